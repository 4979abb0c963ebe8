// The list format of the Go multierror package upstream uses for validation results (machine
// config validation and the secrets bundle check in pki/secrets_parse.ts):
//   "1 error occurred:\n\t* msg\n\n"   /   "N errors occurred:\n\t* a\n\t* b\n\n"

export function formatErrors(errs: string[]): string {
  if (errs.length === 1) return `1 error occurred:\n\t* ${errs[0]}\n\n`;
  return `${errs.length} errors occurred:\n\t${errs.map((e) => `* ${e}`).join("\n\t")}\n\n`;
}
