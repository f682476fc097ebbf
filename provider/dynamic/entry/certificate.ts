// The provider a resource's state names: `require("pulumi-akash/dynamic/certificate")` (see ../serialized.ts).
import { serializedProvider } from "../serialized";

export = serializedProvider("certificate");
