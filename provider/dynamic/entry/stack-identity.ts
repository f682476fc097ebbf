// The provider a resource's state names: `require("pulumi-akash/dynamic/stack-identity")` (see ../serialized.ts).
import { serializedProvider } from "../serialized";

export = serializedProvider("stackIdentity");
