// Format CSL-JSON items with citeproc-js, each on its own as the app formats
// them: reads {"style": CSL XML, "locale": locale XML, "items": [...]} on
// standard input, writes {id: entry HTML} on standard output.
"use strict";
const fs = require("fs");
const CSL = require("citeproc");

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const items = Object.fromEntries(input.items.map((item) => [item.id, item]));
const engine = new CSL.Engine(
  { retrieveLocale: () => input.locale, retrieveItem: (id) => items[id] },
  input.style,
);
const out = {};
for (const item of input.items) {
  engine.updateItems([item.id]);
  const [, entries] = engine.makeBibliography();
  out[item.id] = entries[0];
}
process.stdout.write(JSON.stringify(out));
