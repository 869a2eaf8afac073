/**
 * The report formats a bundle can hold, apart from the bundle code itself so
 * that the CLI can offer `--format` without loading the renderers (PDF, HTML).
 */

/** `pdf` is the survivor's copy; `evidence` the police annex (evidence.pdf) */
export type ReportFormat = 'text' | 'html' | 'pdf' | 'evidence' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'html', 'pdf', 'evidence', 'json'];

export const REPORT_FILES: Record<Exclude<ReportFormat, 'json'>, string> = {
  text: 'report.txt',
  html: 'report.html',
  pdf: 'report.pdf',
  evidence: 'evidence.pdf',
};
