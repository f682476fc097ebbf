import { randomUUID } from "node:crypto";
import { certificateManager } from "@akashnetwork/chain-sdk/web";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { insertCertificate, listCertificates, revokeCertificate } from "../repositories/certificates";

export interface CertificateView {
  serial: string;
  state: string;
  certPem: string;
  pubkeyPem: string;
  createdAt: string;
}

/**
 * AEP-63 certificates (the seeds' behaviour; the live API has removed the endpoint). The X.509
 * certificate is made by chain-sdk's CertificateManager for the user's wallet address, as Console
 * did; the private key is handed out once and never stored.
 */
export class CertificateService {
  readonly #db: Kysely<Database>;
  readonly #now: () => number;

  constructor(db: Kysely<Database>, now: () => number) {
    this.#db = db;
    this.#now = now;
  }

  async create(
    userId: string,
    address: string,
  ): Promise<{ certPem: string; pubkeyPem: string; encryptedKey: string }> {
    const pem = await certificateManager.generatePEM(address);
    const info = await certificateManager.parsePem(pem.cert);
    await insertCertificate(this.#db, {
      id: randomUUID(),
      user_id: userId,
      serial: BigInt(`0x${info.hSerial}`).toString(),
      cert_pem: pem.cert,
      pubkey_pem: pem.publicKey,
      state: "valid",
      created_at: this.#now(),
    });
    return { certPem: pem.cert, pubkeyPem: pem.publicKey, encryptedKey: pem.privateKey };
  }

  async list(userId: string): Promise<CertificateView[]> {
    return (await listCertificates(this.#db, userId)).map((row) => ({
      serial: row.serial,
      state: row.state,
      certPem: row.cert_pem,
      pubkeyPem: row.pubkey_pem,
      createdAt: new Date(row.created_at).toISOString(),
    }));
  }

  /** Revokes the caller's certificate; false when the caller has none with that serial. */
  async revoke(userId: string, serial: string): Promise<boolean> {
    return revokeCertificate(this.#db, userId, serial);
  }
}
