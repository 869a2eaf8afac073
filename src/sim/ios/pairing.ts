/**
 * The pair record a computer keeps after "Trust This Computer": host and
 * device certificates under one root, as usbmuxd hands it to clients. The
 * simulator makes one per phone when it starts (nothing secret is shipped).
 */
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import forge from 'node-forge';
import { encodeXml } from './plist.js';

export interface PairRecord {
  HostID: string;
  SystemBUID: string;
  HostCertificate: Buffer;
  HostPrivateKey: Buffer;
  DeviceCertificate: Buffer;
  RootCertificate: Buffer;
  RootPrivateKey: Buffer;
  WiFiMACAddress: string;
  /** The phone's side of the TLS session; not part of what usbmuxd hands out. */
  devicePrivateKey: Buffer;
}

function rsaPem(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function certificate(
  subjectPublicPem: string,
  issuerPrivatePem: string,
  serial: string,
  ca: boolean,
): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(subjectPublicPem);
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(Date.UTC(2024, 0, 1));
  cert.validity.notAfter = new Date(Date.UTC(2034, 0, 1));
  // Real lockdown certificates carry no subject name.
  cert.setSubject([]);
  cert.setIssuer([]);
  cert.setExtensions([
    { name: 'basicConstraints', cA: ca, critical: true },
    { name: 'subjectKeyIdentifier' },
    ...(ca
      ? []
      : [{ name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true }]),
  ]);
  cert.sign(forge.pki.privateKeyFromPem(issuerPrivatePem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

export function makePairRecord(udid: string, wifiAddress = '00:00:00:00:00:00'): PairRecord {
  const root = rsaPem();
  const host = rsaPem();
  const device = rsaPem();
  const rootCert = certificate(root.publicPem, root.privatePem, '00', true);
  const hostCert = certificate(host.publicPem, root.privatePem, '01', false);
  const deviceCert = certificate(device.publicPem, root.privatePem, '02', false);
  const seed = createHash('sha256').update(udid).digest('hex').toUpperCase();
  return {
    HostID: randomUUID().toUpperCase(),
    SystemBUID: `${seed.slice(0, 8)}-${seed.slice(8, 12)}-${seed.slice(12, 16)}-${seed.slice(16, 20)}-${seed.slice(20, 32)}`,
    HostCertificate: Buffer.from(hostCert),
    HostPrivateKey: Buffer.from(host.privatePem),
    DeviceCertificate: Buffer.from(deviceCert),
    RootCertificate: Buffer.from(rootCert),
    RootPrivateKey: Buffer.from(root.privatePem),
    WiFiMACAddress: wifiAddress,
    devicePrivateKey: Buffer.from(device.privatePem),
  };
}

/** PairRecordData as usbmuxd sends it: an XML plist inside <data>. */
export function pairRecordData(record: PairRecord): Buffer {
  const { devicePrivateKey: _phoneOnly, ...stored } = record;
  return encodeXml(stored);
}
