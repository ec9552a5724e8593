/**
 * What a person types into `ytsync search`, split into terms: words (each also finds longer
 * words it begins: `synthw` finds "synthwave"), "quoted phrases" (those words, in that order)
 * and exclusions (`-word`, `-"a phrase"`). Folding (case, accents, scripts without spaces) is
 * PostgreSQL's job (src/browse/search-sql.ts); this only reads the syntax.
 */
export interface QueryTerm {
  text: string;
  phrase: boolean;
  exclude: boolean;
}

export function parseQuery(raw: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  let i = 0;
  const s = raw.normalize('NFC');
  while (i < s.length) {
    if (/\s/u.test(s[i]!)) {
      i++;
      continue;
    }
    let exclude = false;
    if (s[i] === '-' && i + 1 < s.length && !/\s/u.test(s[i + 1]!)) {
      exclude = true;
      i++;
    }
    if (s[i] === '"' || s[i] === '“' || s[i] === '”') {
      // An unclosed quote runs to the end, as a person who forgot it meant.
      const close = s.slice(i + 1).search(/["“”]/u);
      const end = close < 0 ? s.length : i + 1 + close;
      const text = s.slice(i + 1, end).trim().replace(/\s+/gu, ' ');
      if (text) terms.push({ text, phrase: true, exclude });
      i = end + 1;
      continue;
    }
    let end = i;
    while (end < s.length && !/\s/u.test(s[end]!)) end++;
    const text = s.slice(i, end);
    // A lone "-" or a word of dashes is punctuation, not something to look for.
    if (!/^-*$/u.test(text)) terms.push({ text, phrase: false, exclude });
    i = end;
  }
  return terms;
}

/** The terms back as a query string (for messages and the JSON document). */
export function describeQuery(terms: QueryTerm[]): string {
  return terms.map((t) => `${t.exclude ? '-' : ''}${t.phrase ? `"${t.text}"` : t.text}`).join(' ');
}
