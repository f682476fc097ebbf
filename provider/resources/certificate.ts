// Certificate: an mTLS client certificate (AEP-63). Optional: a Lease uses it when given. The live
// API removed certificates (identity comes from the API key): creating one there fails with a clear
// message, and deleting or refreshing one never fails because of it. Id = certificate serial, or
// the certificate's sha256 when the API does not list serials.
import { createHash } from "node:crypto";
import type { ResourceFields, ResourceHandlers } from "./handler";

export type CertificateInputs = Record<string, never>;

export interface CertificateOutputs {
  serial: string;
  certPem: string;
  pubkeyPem: string;
  keyPem: string;
}

export const certificateFields = {
  token: "akash:index:Certificate",
  inputs: [],
  outputs: ["serial", "certPem", "pubkeyPem", "keyPem"],
  secretOutputs: ["keyPem"],
} as const satisfies ResourceFields;

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
