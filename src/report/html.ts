/**
 * report.html: one self-contained file. No external URL, font or script; a
 * Content-Security-Policy forbids loading anything even if text slipped
 * through. Responsive for phones, print CSS for paper, landmarks and a
 * strict heading order for screen readers.
 */

import { escapeHtml, forText } from '../util/sanitize.js';
import { impactText, type ReportFinding, type ReportModel } from './model.js';

/** Clean, then escape: every piece of text goes through here. */
function h(s: unknown, max = 4000): string {
  return escapeHtml(forText(s, { maxLength: max, multiline: true })).replace(/\n/g, '<br>');
}

const CSS = `
:root{--fg:#1a1a1a;--muted:#4a4a4a;--bg:#fff;--line:#c8c8c8;--high:#a4161a;--high-bg:#fdecea;
--med:#7a4a00;--med-bg:#fff4e0;--low:#0b5394;--low-bg:#e8f1fb;--info-bg:#f2f2f2;--safe-bg:#eef7ee;--safe:#1e5e20}
*{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif;
color:var(--fg);background:var(--bg);line-height:1.55;font-size:1.0625rem}
.wrap{max-width:46rem;margin:0 auto;padding:1rem}
header.top{border-bottom:3px solid var(--fg);margin-bottom:1rem}
h1{font-size:1.75rem;margin:.5rem 0}
h2{font-size:1.35rem;margin:2rem 0 .75rem;padding-top:.5rem;border-top:1px solid var(--line)}
h3{font-size:1.15rem;margin:1.25rem 0 .5rem}
h4{font-size:1rem;margin:.75rem 0 .25rem}
p,li{overflow-wrap:anywhere}
.headline{font-size:1.3rem;font-weight:700;padding:1rem;border-radius:.5rem;margin:1rem 0;border-left:.5rem solid}
.headline.high{background:var(--high-bg);border-color:var(--high)}
.headline.medium{background:var(--med-bg);border-color:var(--med)}
.headline.clear{background:var(--safe-bg);border-color:var(--safe)}
.notice{background:var(--med-bg);border-left:.4rem solid var(--med);padding:.75rem 1rem;margin:1rem 0}
.notice.untrusted{background:var(--high-bg);border-color:var(--high)}
.sensitive{background:var(--info-bg);border:1px dashed var(--muted);padding:.75rem 1rem;margin:1rem 0}
.safety{background:var(--safe-bg);border-left:.4rem solid var(--safe);padding:.5rem 1rem .75rem;margin:1rem 0}
.safety h2{border:0;margin-top:.5rem}
nav ol{padding-left:1.25rem}
a{color:#0b4a8a}
.group-intro{color:var(--muted)}
article.finding{border:1px solid var(--line);border-left:.5rem solid;border-radius:.4rem;padding:.25rem 1rem .75rem;margin:1rem 0;break-inside:avoid}
article.high{border-left-color:var(--high)}
article.medium{border-left-color:var(--med)}
article.low{border-left-color:var(--low)}
article.info{border-left-color:var(--muted)}
.badge{display:inline-block;font-size:.85rem;font-weight:700;padding:.1rem .5rem;border-radius:.3rem;margin-right:.4rem}
.badge.high{background:var(--high);color:#fff}
.badge.medium{background:var(--med);color:#fff}
.badge.low{background:var(--low);color:#fff}
.badge.info{background:#555;color:#fff}
.name{font-weight:700}
.pkg,code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
.pkg{display:block;color:var(--muted)}
.before{background:var(--med-bg);padding:.5rem .75rem;border-radius:.3rem;margin-top:.75rem}
.before h5{margin:0 0 .25rem;font-size:1rem}
.before ul{margin:.25rem 0;padding-left:1.25rem}
.why{color:var(--muted)}
ul.notchecked li{margin:.5rem 0}
ul.check{list-style:none;padding-left:0}
ul.check li{padding-left:1.6rem;text-indent:-1.6rem;margin:.4rem 0}
ul.check li::before{content:"\\2610\\00a0\\00a0";font-size:1.1em}
dl.kv{display:grid;grid-template-columns:minmax(7rem,13rem) 1fr;gap:.3rem 1rem;margin:.5rem 0}
article.finding dl.kv{display:block}
article.finding dl.kv dt{margin-top:.6rem}
article.finding dl.kv dd ul{margin:.2rem 0;padding-left:1.25rem}
dl.kv dt{font-weight:700}
dl.kv dd{margin:0;overflow-wrap:anywhere;word-break:break-word}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid var(--line);padding:.3rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:var(--info-bg)}
section.evidence{font-size:.95rem}
details.evidence-details>summary{cursor:pointer;font-weight:700;font-size:1.1rem;padding:.5rem 0}
table.glance{font-size:.85rem}
table.glance td:first-child,table.glance th:first-child,table.glance td.when{white-space:nowrap}
table.glance .nw{white-space:nowrap}
table.glance td.sev{font-weight:700}
table.glance td.sev.high{color:var(--high)}
table.glance td.sev.medium{color:var(--med)}
table.glance td.sev.low{color:var(--low)}
.since .sev{font-weight:700}.since .sev.high{color:var(--high)}.since .sev.medium{color:var(--med)}.since .sev.low{color:var(--low)}
.fill{border-bottom:1px solid var(--muted);min-height:1.6rem;margin:.2rem 0 .6rem}
.fill-hint{color:var(--muted);font-size:.9rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer{margin-top:2rem;padding-top:1rem;border-top:1px solid var(--line);color:var(--muted);font-size:.9rem}
@media (max-width:32rem){.wrap{padding:.75rem}h1{font-size:1.45rem}.headline{font-size:1.15rem}
dl.kv{grid-template-columns:1fr}dl.kv dd{margin-bottom:.4rem}
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
table.stack tr{border:1px solid var(--line);border-radius:.3rem;margin:.5rem 0;padding:.25rem .5rem}
table.stack td{border:0;padding:.15rem 0}
table.stack td[data-label]::before{content:attr(data-label) ": ";font-weight:700;font-family:system-ui,sans-serif}
table.stack td.none{display:none}
table.glance.stack td:first-child::before{content:""}
table.glance.stack td:first-child{font-weight:700}
table.glance.stack td.when,table.glance .nw{white-space:normal}}
@media print{body{font-size:9.5pt;line-height:1.35;color:#000}.wrap{max-width:none;padding:0}nav{display:none}
a{color:#000;text-decoration:none}h1{font-size:17pt;margin:.2rem 0}
h2{font-size:13pt;margin:1rem 0 .4rem;break-after:avoid}h3{font-size:11pt;margin:.8rem 0 .3rem;break-after:avoid}
h4{font-size:10.5pt}.headline{font-size:12.5pt;padding:.5rem .75rem;margin:.5rem 0}
.notice,.sensitive,.safety,.before{padding:.35rem .75rem;margin:.5rem 0}
article.finding{padding:.1rem .6rem .3rem;margin:.5rem 0}
article.finding dl.kv{display:grid;grid-template-columns:9.5rem 1fr;gap:.15rem .6rem}
article.finding dl.kv dt{margin-top:0}article.finding dl.kv dd ul{padding-left:1rem}
table.glance{font-size:8.5pt}ul.check{columns:2;column-gap:1.5rem}ul.check li{break-inside:avoid}
section.evidence details:not([open]){display:none}ul.checked{columns:2;column-gap:1.5rem}
.headline,.badge,.safety,.notice,.before{-webkit-print-color-adjust:exact;print-color-adjust:exact}
@page{margin:14mm 14mm}}
`;

const NAV = `<nav aria-label="Contents"><ol>
<li><a href="#found">What we found</a></li>
<li><a href="#checked">What we checked and could not check</a></li>
<li><a href="#cannot-see">Things this check cannot see</a></li>
<li><a href="#after">After the check</a></li>
<li><a href="#evidence">For police: evidence details</a></li>
</ol></nav>`;

export function renderHtml(model: ReportModel): string {
  const headClass =
    model.counts.high > 0
      ? 'high'
      : model.counts.medium + model.counts.low > 0
        ? 'medium'
        : 'clear';
  const parts: string[] = [];
  const p = (s: string) => parts.push(`<p>${h(s)}</p>`);

  parts.push(`<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${h(model.title)}</title>
<style>${CSS}</style>
</head>
<body>
<div class="wrap">
<header class="top">
<h1>${h(model.title)}</h1>
<p>Phone: ${h(model.deviceSummary)}</p>
</header>
<main>
${model.provenanceWarning ? `<p class="notice untrusted" role="alert"><strong>${h(model.provenanceWarning)}</strong></p>\n` : ''}<p class="headline ${headClass}">${h(model.headline)}</p>`);
  for (const n of model.headlineNotes) parts.push(`<p class="notice">${h(n)}</p>`);
  if (model.since) parts.push(sinceHtml(model.since));
  if (model.glance.length > 0) parts.push(glanceHtml(model));
  parts.push(`<p class="sensitive"><strong>Keep this safe.</strong> ${h(model.sensitivity)}</p>`);
  parts.push(`${NAV}`);

  parts.push(
    '<section class="safety" aria-labelledby="safety-h"><h2 id="safety-h">Your safety comes first</h2><ul>',
  );
  for (const s of model.safetyFirst) parts.push(`<li>${h(s)}</li>`);
  parts.push('</ul><p><strong>Who to contact:</strong></p><ul>');
  for (const c of model.contact) parts.push(`<li>${h(c, 400)}</li>`);
  parts.push('</ul></section>');

  parts.push('<section aria-labelledby="found"><h2 id="found">What we found</h2>');
  if (model.groups.length === 0) {
    p('Nothing on this phone matched our list of spyware and warning signs.');
  }
  for (const group of model.groups) {
    parts.push(
      `<h3>${h(group.heading)} <span class="count">(${group.findings.length})</span></h3>`,
      `<p class="group-intro">${h(group.intro)}</p>`,
    );
    if (group.safety.length > 0) {
      parts.push(
        `<div class="before"><p><strong>Before you do anything about these</strong></p><ul>${group.safety
          .map((s) => `<li>${h(s)}</li>`)
          .join('')}</ul></div>`,
      );
    }
    for (const f of group.findings) parts.push(findingHtml(f));
  }
  parts.push('</section>');

  if (model.privacyReport) parts.push(privacyReportHtml(model.privacyReport));
  if (model.linked) parts.push(linkedHtml(model.linked));
  if (model.smartHome) parts.push(smartHomeHtml(model.smartHome));
  if (model.purpose) parts.push(handoverHtml(model.purpose));

  parts.push(
    '<section aria-labelledby="checked"><h2 id="checked">What we checked</h2><ul class="checked">',
  );
  for (const c of model.checked) {
    parts.push(`<li>${h(c.title)}${c.note ? ` <em>(${h(c.note)})</em>` : ''}</li>`);
  }
  parts.push('</ul>');
  if (model.lists.length > 0) {
    parts.push(
      `<p>We compared what we found with these lists:</p><ul>${model.lists
        .map((l) => `<li>${h(l)}</li>`)
        .join('')}</ul>`,
    );
  }
  parts.push('<h3 id="not-checked">What we could not check</h3>');
  if (model.notChecked.length === 0) p('Every check ran.');
  else {
    parts.push('<ul class="notchecked">');
    for (const c of model.notChecked) {
      const said = c.meaning
        ? `${h(c.meaning)} ${h(impactText(c))} <span class="why">(Why: ${h(c.reason)})</span>`
        : h(c.reason);
      const todo = c.action ? `<br><span class="todo">What to do: ${h(c.action)}</span>` : '';
      parts.push(`<li><strong>${h(c.title)}.</strong> ${said}${todo}</li>`);
    }
    parts.push('</ul>');
  }
  parts.push('</section>');

  parts.push(
    '<section aria-labelledby="cannot-see"><h2 id="cannot-see">Things this check cannot see</h2>',
  );
  p('A clean result does not prove the phone is safe. Please go through these together:');
  parts.push('<ul class="check">');
  for (const c of model.cannotSee) {
    parts.push(`<li><strong>${h(c.title)}.</strong> ${h(c.detail)}</li>`);
  }
  parts.push('</ul></section>');

  parts.push('<section aria-labelledby="after"><h2 id="after">After the check</h2><ol>');
  for (const s of model.afterScan) parts.push(`<li>${h(s)}</li>`);
  parts.push('</ol></section>');

  parts.push(evidenceHtml(model));
  parts.push(`</main>
<footer><p>${h(model.sensitivity)}</p></footer>
</div>
</body>
</html>
`);
  return parts.join('\n');
}

function sinceHtml(since: NonNullable<ReportModel['since']>): string {
  const out = [
    `<section class="since" aria-labelledby="since-h"><h2 id="since-h">${h(since.heading)}</h2>`,
  ];
  for (const n of since.notes) out.push(`<p class="notice">${h(n)}</p>`);
  if (since.none) out.push(`<p>${h(since.none)}</p>`);
  if (since.changes.length > 0) {
    out.push('<ul>');
    for (const c of since.changes) {
      out.push(
        `<li><span class="sev ${c.severity}">${h(c.severityLabel)}:</span> ${h(c.words)}</li>`,
      );
    }
    out.push('</ul>');
  }
  if (since.safety) out.push(`<p class="notice">${h(since.safety)}</p>`);
  out.push('</section>');
  return out.join('\n');
}

function linkedHtml(l: NonNullable<ReportModel['linked']>): string {
  const out = [
    `<section class="linked" aria-labelledby="linked-h"><h2 id="linked-h">${h(l.heading)}</h2>`,
  ];
  for (const n of l.notChecked) out.push(`<p class="notice">${h(n)}</p>`);
  out.push(`<p>${h(l.intro)}</p>`, `<p class="notice">${h(l.safety)}</p>`);
  for (const g of l.groups) {
    out.push(`<h3>${h(g.title)}</h3><ul>`);
    for (const line of g.lines) out.push(`<li>${h(line, 600)}</li>`);
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('\n');
}

function smartHomeHtml(c: NonNullable<ReportModel['smartHome']>): string {
  const out = [
    `<section aria-labelledby="home-h"><h2 id="home-h">${h(c.heading)}</h2>`,
    `<p>${h(c.intro)}</p>`,
  ];
  for (const g of c.groups) {
    out.push(`<h3>${h(g.title)}</h3><ul class="check">`);
    for (const item of g.items) out.push(`<li>${h(item)}</li>`);
    out.push('</ul>');
  }
  out.push(`<p class="notice">${h(c.safety)}</p></section>`);
  return out.join('\n');
}

function handoverHtml(purpose: NonNullable<ReportModel['purpose']>): string {
  const out = [
    '<section aria-labelledby="handover-h"><h2 id="handover-h">Before the second phone is handed over</h2>',
  ];
  for (const g of purpose.checklist) {
    out.push(`<h3>${h(g.title)}</h3><ul class="check">`);
    for (const item of g.items) out.push(`<li>${h(item)}</li>`);
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('\n');
}

function findingHtml(f: ReportFinding): string {
  const out: string[] = [];
  out.push(`<article class="finding ${f.severity}" aria-labelledby="f-${h(f.id, 40)}">`);
  out.push(
    `<h4 id="f-${h(f.id, 40)}"><span class="badge ${f.severity}">${h(f.severityLabel)}</span>${h(f.id, 40)}. ${h(f.title, 300)}</h4>`,
  );
  out.push('<dl class="kv">');
  if (f.showSubject) {
    out.push(
      `<dt>${f.subjectType === 'app' ? 'App' : f.subjectType === 'profile' ? 'Profile' : 'Item'}</dt><dd><span class="name">${h(f.name, 200)}</span>${
        f.name !== f.subjectId ? ` <span class="pkg">${h(f.subjectId, 200)}</span>` : ''
      }</dd>`,
    );
    if (f.nameWarning) out.push(`<dd><em>${h(f.nameWarning)}</em></dd>`);
  }
  if (f.accounts.length > 0) {
    out.push(
      `<dt>Accounts on this phone</dt><dd><ul>${f.accounts.map((a) => `<li>${h(a, 400)}</li>`).join('')}</ul></dd>`,
    );
  }
  out.push(`<dt>Type</dt><dd>${h(f.categoryLabel)}</dd>`);
  if (f.what) out.push(`<dt>What it is</dt><dd>${h(f.what)}</dd>`);
  if (f.origin) out.push(`<dt>Where it came from</dt><dd>${h(f.origin)}</dd>`);
  if (f.installed) out.push(`<dt>Installed</dt><dd>${h(f.installed.words)}</dd>`);
  if (f.risk) out.push(`<dt>What the other person could see or do</dt><dd>${h(f.risk)}</dd>`);
  if (f.canAccess.length > 0) {
    out.push(
      `<dt>${h(f.canAccessHeading)}</dt><dd><ul>${f.canAccess.map((a) => `<li>${h(a)}</li>`).join('')}</ul></dd>`,
    );
  }
  if (f.lastUsed.length > 0) {
    out.push(
      `<dt>Last used</dt><dd><ul>${f.lastUsed.map((a) => `<li>${h(a)}</li>`).join('')}</ul></dd>`,
    );
  }
  if (f.nextSteps) out.push(`<dt>What to do next</dt><dd>${h(f.nextSteps)}</dd>`);
  out.push('</dl>');
  if (f.safety.length > 0) {
    out.push(
      `<div class="before"><h5>Before you do anything</h5><ul>${f.safety
        .map((s) => `<li>${h(s)}</li>`)
        .join('')}</ul></div>`,
    );
  }
  out.push('</article>');
  return out.join('\n');
}

function privacyReportHtml(r: NonNullable<ReportModel['privacyReport']>): string {
  const out = [
    '<section aria-labelledby="apr-h"><h2 id="apr-h">What the App Privacy Report shows</h2>',
    `<p>${h(r.intro)}</p><ul>`,
  ];
  for (const a of r.apps) {
    const id = a.name !== a.id ? ` <span class="pkg">${h(a.id, 200)}</span>` : '';
    const gone = a.notOnPhone ? ' <em>(not on the phone\u2019s app list now)</em>' : '';
    out.push(
      `<li><span class="name">${h(a.name, 200)}</span>${gone}${id}<ul>${a.uses.map((u) => `<li>${h(u)}</li>`).join('')}</ul></li>`,
    );
  }
  out.push('</ul>');
  if (r.more > 0)
    out.push(`<p>And ${r.more} more apps: the evidence bundle holds the whole report.</p>`);
  out.push('</section>');
  return out.join('\n');
}

/** Page 1's table; on a phone's screen each row becomes a small card (labels from data-label). */
function glanceHtml(model: ReportModel): string {
  const out: string[] = [];
  out.push('<section aria-labelledby="glance-h"><h2 id="glance-h">At a glance</h2>');
  out.push(
    '<div class="table-wrap"><table class="glance stack"><thead><tr><th scope="col">No.</th><th scope="col">What we found</th><th scope="col">How serious</th><th scope="col">Installed</th><th scope="col">Last used</th><th scope="col">What to do</th></tr></thead><tbody>',
  );
  for (const r of model.glance) {
    const name =
      r.name && !r.title.includes(r.name) ? `<br><span class="name">${h(r.name, 200)}</span>` : '';
    out.push(
      `<tr><td data-label="No."><a href="#f-${h(r.id, 40)}">${h(r.id, 40)}</a></td>` +
        `<td data-label="What we found">${h(r.title, 300)}${name}</td>` +
        `<td data-label="How serious" class="sev ${r.severity}">${h(r.severityLabel)}</td>` +
        (r.installed
          ? `<td data-label="Installed" class="when">${h(r.installed)}</td>`
          : '<td data-label="Installed" class="none"><span class="sr">not known</span></td>') +
        (r.lastUse.length > 0
          ? `<td data-label="Last used">${r.lastUse.map((u) => `<span class="nw">${h(u)}</span>`).join('<br>')}</td>`
          : '<td data-label="Last used" class="none"><span class="sr">not known</span></td>') +
        `<td data-label="What to do">${h(r.todo)}</td></tr>`,
    );
  }
  out.push('</tbody></table></div>');
  if (model.glanceInfo > 0) {
    out.push(
      `<p class="group-intro">Also ${model.glanceInfo} ${model.glanceInfo === 1 ? 'note' : 'notes'} for information, at the end of "What we found". Installed and last-used times are from the phone.</p>`,
    );
  }
  out.push('</section>');
  return out.join('\n');
}

function evidenceHtml(model: ReportModel): string {
  const e = model.evidence;
  const out: string[] = [];
  out.push('<section class="evidence" aria-labelledby="evidence">');
  out.push('<h2 id="evidence">For police: evidence details</h2>');
  out.push(
    '<p>The same details, with lines to sign, are in evidence.pdf in the evidence bundle.</p>',
  );
  out.push('<details class="evidence-details"><summary>Show the evidence details</summary>');
  for (const s of e.intro) out.push(`<p>${h(s, 2000)}</p>`);
  out.push('<h3>Scan details</h3><dl class="kv">');
  for (const [k, v] of e.scan) out.push(`<dt>${h(k)}</dt><dd class="mono">${h(v, 1000)}</dd>`);
  out.push('</dl>');
  out.push('<h3>Phone clock</h3><dl class="kv">');
  for (const [k, v] of e.clock) out.push(`<dt>${h(k)}</dt><dd class="mono">${h(v, 1000)}</dd>`);
  out.push('</dl>');
  out.push('<h3>How to check these files</h3><ul>');
  for (const s of e.howToVerify) out.push(`<li>${h(s, 1000)}</li>`);
  out.push('</ul>');

  out.push('<h3>Rule packs</h3>');
  if (e.rules.length === 0) out.push('<p>None recorded.</p>');
  else {
    out.push(
      '<div class="table-wrap"><table class="stack"><caption class="sr">Rule packs used</caption><thead><tr><th scope="col">Pack</th><th scope="col">Version</th><th scope="col">SHA-256</th></tr></thead><tbody>',
    );
    for (const r of e.rules) {
      out.push(
        `<tr><td class="mono" data-label="Pack">${h(r.id)}</td><td data-label="Version">${h(r.version)}</td><td class="mono" data-label="SHA-256">${h(r.sha256)}</td></tr>`,
      );
    }
    out.push('</tbody></table></div>');
  }

  out.push('<h3>Findings: rules and matched values</h3>');
  if (e.findings.length === 0) out.push('<p>No findings.</p>');
  for (const f of e.findings) {
    out.push(`<h4>${h(f.id)}: ${h(f.title, 300)}</h4><dl class="kv">`);
    out.push(`<dt>Rule</dt><dd class="mono">${h(f.rule)}</dd>`);
    out.push(`<dt>Severity</dt><dd>${h(f.severity)} (${h(f.category)})</dd>`);
    out.push(`<dt>Subject</dt><dd class="mono">${h(f.subject, 1000)}</dd>`);
    for (const r of f.reasons) {
      out.push(
        `<dt>Matched</dt><dd class="mono">${h(r.rule)} (${h(r.pack)}): ${h(r.matcher)} = ${h(r.value, 1000)}</dd>`,
      );
    }
    for (const [k, v] of f.details) out.push(`<dt>${h(k)}</dt><dd class="mono">${h(v, 1000)}</dd>`);
    out.push('</dl>');
  }

  out.push('<h3>Rules that could not be judged</h3>');
  if (e.notEvaluated.length === 0) {
    out.push('<p>None: every rule had the facts it needs.</p>');
  } else {
    out.push(
      '<p>These rules neither matched nor came out clean, because a fact they need was not read from the phone.</p>',
      '<div class="table-wrap"><table class="stack"><caption class="sr">Rules that could not be judged</caption><thead><tr><th scope="col">Rule</th><th scope="col">Pack</th><th scope="col">Missing facts</th><th scope="col">Apps</th></tr></thead><tbody>',
    );
    for (const n of e.notEvaluated) {
      out.push(
        `<tr><td class="mono" data-label="Rule">${h(n.rule)}</td><td class="mono" data-label="Pack">${h(n.pack)}</td><td class="mono" data-label="Missing facts">${h(n.facts)}</td><td class="mono" data-label="Apps">${n.subjects ? h(n.subjects, 2000) : 'whole phone'}</td></tr>`,
      );
    }
    out.push('</tbody></table></div>');
  }

  out.push('<h3>Raw outputs (raw/ folder)</h3>');
  if (e.raw.length === 0) out.push('<p>None recorded.</p>');
  else {
    out.push(
      '<div class="table-wrap"><table class="stack"><caption class="sr">Raw command outputs kept in the bundle</caption><thead><tr><th scope="col">File</th><th scope="col">Command</th><th scope="col">Time (UTC)</th><th scope="col">Bytes</th><th scope="col">SHA-256</th></tr></thead><tbody>',
    );
    for (const r of e.raw) {
      out.push(
        `<tr><td class="mono" data-label="File">raw/${h(r.file)}</td><td class="mono" data-label="Command">${h(r.command, 1000)}</td><td data-label="Time">${h(r.time)}</td><td data-label="Bytes">${r.bytes}</td><td class="mono" data-label="SHA-256">${h(r.sha256)}</td></tr>`,
      );
    }
    out.push('</tbody></table></div>');
  }
  if (e.warnings.length > 0) {
    out.push('<h3>Collection warnings</h3><ul>');
    for (const w of e.warnings) out.push(`<li>${h(w, 1000)}</li>`);
    out.push('</ul>');
  }
  out.push('</details></section>');
  return out.join('\n');
}
