// The provider a resource's state names: `require("pulumi-akash/dynamic/lease")` (see ../serialized.ts).
import { serializedProvider } from "../serialized";

export = serializedProvider("lease");
