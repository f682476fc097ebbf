// The provider a resource's state names: `require("pulumi-akash/dynamic/deployment")` (see ../serialized.ts).
import { serializedProvider } from "../serialized";

export = serializedProvider("deployment");
