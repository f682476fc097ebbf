// Certificate: an mTLS client certificate (AEP-63). Optional: a Lease uses it when given. The live
// API removed certificates (identity comes from the API key): creating one there fails with a clear
// message, and deleting or refreshing one never fails because of it. Id = certificate serial, or
// the certificate's sha256 when the API does not list serials.
import { createHash } from "node:crypto";
import { objectType, resource, t, type InputsOf, type OutputsOf } from "../schema/describe";
import type { ResourceHandlers } from "./handler";

export const certificateDescription = resource({
  name: "Certificate",
  description:
    "An mTLS client certificate (AEP-63), optional: a Lease uses it when given. No inputs: a certificate never changes; to rotate it, `pulumi up --replace <urn>`. The live Console API removed certificates; creating one there fails with a clear message. Delete revokes it.",
  inputs: {},
  outputs: {
    serial: t.string(
      "Certificate serial, the resource id (`sha256-<hex>` of the certificate when the API lists no serials).",
    ),
    certPem: t.string("Certificate, PEM."),
    pubkeyPem: t.string("Public key, PEM."),
    keyPem: t.string("Private key, PEM, as the API returns it (secret).").secret(),
  },
});

/** What a Lease takes to send a certificate: Certificate's `certPem` and `keyPem`. */
export const certificatePairType = objectType(
  "CertificatePair",
  "An mTLS certificate and its private key, as Certificate outputs them.",
  {
    certPem: certificateDescription.outputs.certPem,
    keyPem: certificateDescription.outputs.keyPem,
  },
);

export type CertificateInputs = InputsOf<typeof certificateDescription>;
export type CertificateOutputs = OutputsOf<typeof certificateDescription>;

const fingerprint = (pem: string) => `sha256-${createHash("sha256").update(pem).digest("hex")}`;

export const certificateHandlers: ResourceHandlers<CertificateInputs, CertificateOutputs> = {
  async check(_olds, news) {
    return { inputs: news, failures: [] };
  },

  async diff() {
    return { changes: false, replaces: [] };
  },

  async create(ctx) {
    const created = await ctx.api.createCertificate();
    const listed = await ctx.api.listCertificates();
    const match = listed?.find((c) => c.certPem.trim() === created.certPem.trim());
    const serial = match?.serial ?? fingerprint(created.certPem);
    ctx.log.info(`certificate ${serial} created`);
    return {
      id: serial,
      outs: { serial, certPem: created.certPem, pubkeyPem: created.pubkeyPem, keyPem: created.encryptedKey },
    };
  },

  async read(ctx, id, props) {
    const listed = await ctx.api.listCertificates();
    if (!listed) return { id, props };
    const match = listed.find((c) => c.serial === id || c.certPem.trim() === props.certPem?.trim());
    if (!match || match.state !== "valid") return {};
    return { id, props };
  },

  async update(_ctx, _id, olds) {
    return olds;
  },

  async delete(ctx, id) {
    if (/^\d+$/.test(id)) await ctx.api.revokeCertificate(id);
  },
};
