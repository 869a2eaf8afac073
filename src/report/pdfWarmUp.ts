/**
 * Warm the PDF renderer while the phone is being read. Loading pdfkit, reading the embedded
 * fonts and the first layout cost several hundred milliseconds of CPU that would otherwise come
 * after the last answer from the phone; during the reading this process mostly waits for the
 * phone, so the same work is nearly free there. Never fails: a warm-up that goes wrong only
 * means the real render pays the cost itself (and reports any error).
 */
export async function warmUpPdf(): Promise<void> {
  try {
    const { makePdf, PdfLayout } = await import('./pdfBase.js');
    const model = { deviceSummary: '', caseRef: 'warm-up', bundleId: '000000000000' };
    await makePdf(
      model as Parameters<typeof makePdf>[0],
      { title: 'warm-up', subject: 'warm-up', footer: 'warm-up' },
      { creationDate: new Date(0) },
      (doc) => {
        const layout = new PdfLayout(doc);
        layout.heading('Warm-up', 2);
        layout.para('The quick brown fox jumps over the lazy dog.');
        layout.kv('Key', 'value', { mono: true });
        layout.table([{ header: 'A', width: 1 }], [{ cells: ['b'] }]);
      },
    );
  } catch {
    // the real render will meet the same problem and say so
  }
}
