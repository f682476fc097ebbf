// The provider a resource's state names: `require("pulumi-akash/dynamic/api-key")` (see ../serialized.ts).
import { serializedProvider } from "../serialized";

export = serializedProvider("apiKey");
