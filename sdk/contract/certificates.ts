// Certificates (AEP-63). The live API answers POST /v1/certificates with 400 "removed" since
// 2026-03-10; the reference server keeps the seeds' behaviour. Callers must cope with both.
import { z } from "zod";
import { DateTimeStringSchema, SuccessSchema, dataEnvelope } from "./common";

/** The create answer: the private key is returned once, encrypted, and never stored in clear. */
export const CreatedCertificateSchema = z
  .object({
    certPem: z.string().meta({ description: "X.509 certificate, PEM" }),
    pubkeyPem: z.string().meta({ description: "Public key, PEM" }),
    encryptedKey: z
      .string()
      .meta({ description: "Private key, PEM (encrypted), shown only in this response" }),
  })
  .meta({ id: "CreatedCertificate" });
export type CreatedCertificate = z.infer<typeof CreatedCertificateSchema>;

export const CertificateSchema = z
  .object({
    serial: z.string().meta({ description: "Certificate serial number (decimal string)" }),
    state: z.string().meta({ description: "valid | revoked" }),
    certPem: z.string(),
    pubkeyPem: z.string(),
    createdAt: DateTimeStringSchema,
  })
  .meta({ id: "Certificate" });
export type Certificate = z.infer<typeof CertificateSchema>;

export const CertificateSerialParamsSchema = z.object({
  id: z
    .string()
    .regex(/^\d+$/, "must be a certificate serial number")
    .meta({ description: "Certificate serial" }),
});

export const CreatedCertificateResponseSchema = dataEnvelope(CreatedCertificateSchema);
export const CertificateListResponseSchema = dataEnvelope(z.array(CertificateSchema));
export const RevokeCertificateResponseSchema = dataEnvelope(SuccessSchema);
