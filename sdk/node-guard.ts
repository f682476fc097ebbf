// Imported first by every entry point of the package (the library, the sdk, the server, the
// dynamic provider, the commands): a Node older than package.json's engines is refused in one
// sentence before undici or node:sqlite is loaded (./node-version.ts).
import { checkNodeVersion } from "./node-version";

checkNodeVersion();
