import type { StaticPage } from '../pages/static-page';

const docsCss = `
      body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1f2933; background: #f7f9fb; }
      header { background: #12263a; color: #fff; padding: 20px 32px; }
      header h1 { margin: 0; }
      main { max-width: 980px; margin: 0 auto; padding: 16px 32px 64px; }
      .op { background: #fff; border: 1px solid #dde3ea; border-radius: 8px; margin: 14px 0; padding: 14px 18px; }
      .m { display: inline-block; min-width: 64px; font-weight: 700; font-family: ui-monospace, monospace; }
      .get { color: #1769aa; } .post { color: #1a7f37; } .delete { color: #b42318; }
      code, pre { font-family: ui-monospace, monospace; font-size: 13px; }
      pre { background: #0f1b26; color: #dbe7f3; padding: 12px; border-radius: 6px; overflow: auto; }
      .codes span { display: inline-block; margin: 2px 6px 2px 0; padding: 1px 8px; border-radius: 10px; background: #eef2f6; font-size: 12px; }
      details { margin-top: 8px; }
      .params { margin: 6px 0 0; padding-left: 20px; font-size: 13px; }
    `;

const docsScript = `
      fetch('openapi.json').then(r => r.json()).then(doc => {
        document.getElementById('desc').textContent = doc.info.description;
        const esc = s => String(s).replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
        const resolve = ref => ref && ref.$ref ? doc.components.schemas[ref.$ref.split('/').pop()] : ref;
        let out = '';
        for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
          const body = op.requestBody && resolve(Object.values(op.requestBody.content)[0].schema);
          const params = (op.parameters || []).map(p => '<li><code>' + esc(p.name) + '</code> (' + esc(p.in) + (p.required ? ', required' : '') + ')' + (p.description ? ' — ' + esc(p.description) : '') + '</li>').join('');
          const heads = r => r.headers ? ' (' + Object.keys(r.headers).join(', ') + ')' : '';
          out += '<div class="op"><span class="m ' + esc(method) + '">' + esc(method.toUpperCase()) + '</span><code>' + esc(path) + '</code> — ' + esc(op.summary || '') +
            (params ? '<ul class="params">' + params + '</ul>' : '') +
            '<div class="codes">' + Object.entries(op.responses).map(([c, r]) => '<span title="' + esc(r.description) + '">' + esc(c) + ' ' + esc(r.description + heads(r)) + '</span>').join('') + '</div>' +
            (body ? '<details><summary>request body schema</summary><pre>' + esc(JSON.stringify(body, null, 2)) + '</pre></details>' : '') + '</div>';
        }
        out += '<div class="op"><b>Tasks</b><pre>' + esc(JSON.stringify(doc['x-warren-tasks'], null, 2)) + '</pre></div>';
        document.getElementById('ops').innerHTML = out;
      });
    `;

/**
 * A self-contained API reference page (no CDN: it must work offline and behind strict CSPs):
 * it renders /openapi.json in the browser with a few lines of script. Its script and style are
 * returned too, for the CSP's hashes.
 */
export const docsPage = (): StaticPage => ({
  html: `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>warren ingest — API reference</title>
    <style>${docsCss}</style>
  </head>
  <body>
    <header><h1>warren ingest</h1><div id="desc"></div></header>
    <main id="ops">Loading /openapi.json…</main>
    <script>${docsScript}</script>
  </body>
</html>`,
  scripts: [docsScript],
  styles: [docsCss],
});
