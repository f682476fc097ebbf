import type { CertificateService } from "../../services/certificates";
import type { OwnerDirectory } from "../../services/market-context";
import { callerId } from "../authentication";
import { notFound } from "../errors";
import type { HandlerGroup } from "../route-handler";

/** AEP-63 certificates (the seeds win over the live API's removed endpoint). */
export function certificateRoutes(
  certificates: CertificateService,
  owners: OwnerDirectory,
): HandlerGroup<"createCertificate" | "listCertificates" | "revokeCertificate"> {
  return {
    createCertificate: async ({ c }) => {
      const userId = callerId(c);
      return { data: await certificates.create(userId, await owners.addressOf(userId)) };
    },
    listCertificates: async ({ c }) => ({ data: await certificates.list(callerId(c)) }),
    revokeCertificate: async ({ c, params }) => {
      if (!(await certificates.revoke(callerId(c), params.id))) throw notFound("Certificate not found");
      return { data: { success: true } };
    },
  };
}
