// The secrets bundle API: types, file codec, validation and generation.
// Commands that only write bundles import secrets_gen.ts/secrets_encode.ts directly to keep
// the YAML and ASN.1 parsers out of their startup.

export * from "./secrets_types.ts";
export { encodeSecretsBundle } from "./secrets_encode.ts";
export { parseSecretsBundle } from "./secrets_parse.ts";
export { type CertificateInfo, parseCertificatePem } from "./cert_info.ts";
export { generateSecretsBundle, generateToken } from "./secrets_gen.ts";
export {
  issueCertificate,
  issueClientCertificate,
  loadCA,
  signCertificate,
} from "./client_cert.ts";
export { EKU_CLIENT_AUTH, EKU_SERVER_AUTH, KeyUsage } from "./x509_build.ts";
