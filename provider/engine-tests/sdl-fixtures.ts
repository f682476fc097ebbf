// SDLs shared by the provider's tests, defined once for every part's tests in server/market/testing:
// the seed guide's nginx and a two-group variant.
import { TWO_GROUP_SDL } from "../../server/market/testing/sdl-fixtures";
import { helloSdl } from "../../server/test-support/http";

export const nginxSdl = (image = "nginx:1.25.3", cpu = 0.5) => helloSdl({ image, cpu });

export const twoGroupSdl = () => TWO_GROUP_SDL;
