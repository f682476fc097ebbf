// SDLs shared by the provider's tests: the seed guide's nginx (one definition for every part's tests,
// in server/test-support) and a two-group variant.
import { helloSdl } from "../../server/test-support/http";

export const nginxSdl = (image = "nginx:1.25.3", cpu = 0.5) => helloSdl({ image, cpu });

export const twoGroupSdl = () => `
version: "2.0"
services:
  api:
    image: hashicorp/http-echo:1.0
    args: ["-text=hello"]
    expose:
      - port: 5678
        as: 80
        to:
          - global: true
  cache:
    image: redis:7
    expose:
      - port: 6379
        to:
          - global: true
profiles:
  compute:
    api:
      resources:
        cpu: { units: 0.5 }
        memory: { size: 256Mi }
        storage: { size: 256Mi }
    cache:
      resources:
        cpu: { units: 0.5 }
        memory: { size: 512Mi }
        storage: { size: 512Mi }
  placement:
    east:
      pricing:
        api: { denom: uakt, amount: 1000 }
    west:
      pricing:
        cache: { denom: uakt, amount: 1000 }
deployment:
  api:
    east: { profile: api, count: 1 }
  cache:
    west: { profile: cache, count: 1 }
`;
