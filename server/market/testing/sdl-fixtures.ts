// SDLs shared by the market tests (testing/ is left out of the published package).

export const DEFAULT_AUDITOR = "akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63";

/**
 * The seed guide's example (001_*.txt, "Create Deployment"): nginx on port 80, 0.5 CPU, 512Mi; the
 * defaults give it byte for byte. The options vary it for tests of updates and pricing.
 */
export function nginxSdl(
  options: { image?: string; cpu?: number; count?: number; amount?: number } = {},
): string {
  return `
version: "2.0"
services:
  web:
    image: ${options.image ?? "nginx:1.25.3"}
    expose:
      - port: 80
        to:
          - global: true
profiles:
  compute:
    web:
      resources:
        cpu:
          units: ${options.cpu ?? 0.5}
        memory:
          size: 512Mi
        storage:
          size: 512Mi
  placement:
    akash:
      pricing:
        web:
          denom: uakt
          amount: ${options.amount ?? 1000}
deployment:
  web:
    akash:
      profile: web
      count: ${options.count ?? 1}
`;
}

export const NGINX_SDL = nginxSdl();

/**
 * Two placement groups with no requirements beyond price: an HTTP service behind the ingress
 * (`as: 80`) and a global TCP port, which providers forward on a node port.
 */
export const TWO_GROUP_SDL = `
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

/** Two placement groups (two orders, two leases), attributes, a replica count and a fractional price. */
export const MULTI_GROUP_SDL = `
version: "2.0"
services:
  api:
    image: ghcr.io/example/api:1.0.0
    env:
      - DATABASE_HOST=db
    expose:
      - port: 8080
        as: 80
        to:
          - global: true
  db:
    image: postgres:16
    env:
      - POSTGRES_PASSWORD=example
    expose:
      - port: 5432
        to:
          - service: api
    params:
      storage:
        data:
          mount: /var/lib/postgresql/data
profiles:
  compute:
    api:
      resources:
        cpu:
          units: 1
        memory:
          size: 1Gi
        storage:
          size: 1Gi
    db:
      resources:
        cpu:
          units: 2
        memory:
          size: 4Gi
        storage:
          - size: 1Gi
          - name: data
            size: 20Gi
            attributes:
              persistent: true
              class: beta3
  placement:
    edge:
      attributes:
        tier: community
      pricing:
        api:
          denom: uakt
          amount: 10.5
    core:
      attributes:
        region: us-east
      signedBy:
        allOf:
          - ${DEFAULT_AUDITOR}
      pricing:
        db:
          denom: uakt
          amount: 100
deployment:
  api:
    edge:
      profile: api
      count: 2
  db:
    core:
      profile: db
      count: 1
`.replace("${DEFAULT_AUDITOR}", DEFAULT_AUDITOR);

/** One H100 or A100 (any RAM), as AI workloads ask. */
export const GPU_SDL = `
version: "2.0"
services:
  llm:
    image: vllm/vllm-openai:v0.6.0
    expose:
      - port: 8000
        as: 80
        to:
          - global: true
profiles:
  compute:
    llm:
      resources:
        cpu:
          units: 8
        memory:
          size: 64Gi
        storage:
          size: 200Gi
        gpu:
          units: 1
          attributes:
            vendor:
              nvidia:
                - model: h100
                - model: a100
  placement:
    dc:
      pricing:
        llm:
          denom: uact
          amount: 100000
deployment:
  llm:
    dc:
      profile: llm
      count: 1
`;

/** A leased IP endpoint, an SSH port (forwarded) and a UDP port. */
export const IP_SDL = `
version: "2.0"
endpoints:
  myip:
    kind: ip
services:
  web:
    image: nginx:1.27
    expose:
      - port: 80
        to:
          - global: true
            ip: myip
      - port: 22
        as: 2222
        to:
          - global: true
      - port: 443
        to:
          - global: true
            ip: myip
      - port: 5353
        proto: udp
        to:
          - global: true
profiles:
  compute:
    web:
      resources:
        cpu:
          units: 0.5
        memory:
          size: 512Mi
        storage:
          size: 1Gi
  placement:
    akash:
      pricing:
        web:
          denom: uact
          amount: 1000
deployment:
  web:
    akash:
      profile: web
      count: 1
`;
