/**
 * The part of OData's $filter and Graph's $search that the Graph stand-in accepts, parsed properly so
 * that an unescaped quote in a value (an injection attempt, or a bug in the bot's escaping) is a 400,
 * as on Graph, and can never widen a query. Pure.
 *
 * $filter grammar (keywords case-insensitive, as on Graph):
 *   expr    := and ('or' and)*
 *   and     := primary ('and' primary)*
 *   primary := '(' expr ')' | prop 'eq' literal | prop 'in' '(' literal (',' literal)* ')'
 *            | 'startswith' '(' prop ',' string ')'
 *   literal := 'string' (with '' for a quote) | true | false
 * Comparisons of strings are case-insensitive, like Entra's.
 */

export type FilterExpr =
  | { kind: 'or' | 'and'; left: FilterExpr; right: FilterExpr }
  | { kind: 'eq'; property: string; value: string | boolean }
  | { kind: 'in'; property: string; values: (string | boolean)[] }
  | { kind: 'startswith'; property: string; prefix: string };

export type PropertyType = 'string' | 'boolean';

/** What a resource lets $filter use: property name (canonical case) → type; which allow startswith. */
export interface FilterSchema {
  resource: string;
  properties: Record<string, PropertyType>;
  startsWith: string[];
}

/** A $filter or $search Graph would refuse; `message` is Graph's wording. */
export class ODataQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ODataQueryError';
  }
}

type Token =
  | { type: 'name'; text: string; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'punct'; text: '(' | ')' | ','; at: number }
  | { type: 'other'; text: string; at: number };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: 'punct', text: c, at: i });
      i++;
    } else if (c === "'") {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= input.length) throw syntaxError(input, start);
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += input[i++];
      }
      tokens.push({ type: 'string', value, at: start });
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_./]*/.exec(input.slice(i)) ?? /^[^\s(),']+/.exec(input.slice(i))!;
      const isName = /^[A-Za-z_]/.test(m[0]);
      tokens.push(isName ? { type: 'name', text: m[0], at: i } : { type: 'other', text: m[0], at: i });
      i += m[0].length;
    }
  }
  return tokens;
}

function syntaxError(input: string, at: number): ODataQueryError {
  return new ODataQueryError(`Invalid filter clause: Syntax error at position ${at} in '${input}'.`);
}

class FilterParser {
  private pos = 0;
  private readonly tokens: Token[];

  constructor(
    private readonly input: string,
    private readonly schema: FilterSchema,
  ) {
    this.tokens = tokenize(input);
  }

  parse(): FilterExpr {
    if (this.tokens.length === 0) throw new ODataQueryError('Invalid filter clause: the filter is empty.');
    const expr = this.or();
    if (this.pos < this.tokens.length) throw this.fail();
    return expr;
  }

  private or(): FilterExpr {
    let left = this.and();
    while (this.keyword('or')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): FilterExpr {
    let left = this.primary();
    while (this.keyword('and')) left = { kind: 'and', left, right: this.primary() };
    return left;
  }

  private primary(): FilterExpr {
    if (this.punct('(')) {
      const inner = this.or();
      this.expectPunct(')');
      return inner;
    }
    const name = this.next();
    if (name?.type !== 'name') throw this.fail(name);
    if (name.text.toLowerCase() === 'startswith' && this.punct('(')) {
      const property = this.property(this.next());
      if (!this.schema.startsWith.includes(property)) throw this.unsupported(property);
      this.expectPunct(',');
      const prefix = this.literal();
      if (typeof prefix !== 'string') throw this.fail();
      this.expectPunct(')');
      return { kind: 'startswith', property, prefix };
    }
    const property = this.property(name);
    const op = this.next();
    if (op?.type !== 'name') throw this.fail(op);
    switch (op.text.toLowerCase()) {
      case 'eq':
        return { kind: 'eq', property, value: this.typed(property, this.literal()) };
      case 'in': {
        this.expectPunct('(');
        const values = [this.typed(property, this.literal())];
        while (this.punct(',')) values.push(this.typed(property, this.literal()));
        this.expectPunct(')');
        return { kind: 'in', property, values };
      }
      case 'ne':
      case 'gt':
      case 'ge':
      case 'lt':
      case 'le':
      case 'has':
        throw this.unsupported(property);
      default:
        throw this.fail(op);
    }
  }

  private property(token: Token | undefined): string {
    if (token?.type !== 'name') throw this.fail(token);
    const canonical = Object.keys(this.schema.properties).find(
      (p) => p.toLowerCase() === token.text.toLowerCase(),
    );
    if (!canonical) throw this.unsupported(token.text);
    return canonical;
  }

  private literal(): string | boolean {
    const t = this.next();
    if (t?.type === 'string') return t.value;
    if (t?.type === 'name' && /^(true|false)$/i.test(t.text)) return t.text.toLowerCase() === 'true';
    throw this.fail(t);
  }

  private typed(property: string, value: string | boolean): string | boolean {
    const expected = this.schema.properties[property];
    if ((expected === 'boolean') !== (typeof value === 'boolean')) {
      throw new ODataQueryError(
        `Invalid filter clause: A binary operator with incompatible types was detected for property '${property}'.`,
      );
    }
    return value;
  }

  private keyword(word: string): boolean {
    const t = this.tokens[this.pos];
    if (t?.type === 'name' && t.text.toLowerCase() === word) {
      this.pos++;
      return true;
    }
    return false;
  }

  private punct(p: '(' | ')' | ','): boolean {
    const t = this.tokens[this.pos];
    if (t?.type === 'punct' && t.text === p) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expectPunct(p: '(' | ')' | ','): void {
    if (!this.punct(p)) throw this.fail();
  }

  private next(): Token | undefined {
    return this.tokens[this.pos++];
  }

  private fail(token: Token | undefined = this.tokens[this.pos]): ODataQueryError {
    return syntaxError(this.input, token?.at ?? this.input.length);
  }

  private unsupported(property: string): ODataQueryError {
    return new ODataQueryError(
      `Invalid filter clause: unsupported query filter clause specified for property '${property}' of resource '${this.schema.resource}'.`,
    );
  }
}

export function parseFilter(input: string, schema: FilterSchema): FilterExpr {
  return new FilterParser(input, schema).parse();
}

const same = (a: unknown, b: string | boolean) =>
  typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b;

export function matchesFilter(expr: FilterExpr, item: Record<string, unknown>): boolean {
  switch (expr.kind) {
    case 'or':
      return matchesFilter(expr.left, item) || matchesFilter(expr.right, item);
    case 'and':
      return matchesFilter(expr.left, item) && matchesFilter(expr.right, item);
    case 'eq':
      return same(item[expr.property], expr.value);
    case 'in':
      return expr.values.some((v) => same(item[expr.property], v));
    case 'startswith': {
      const value = item[expr.property];
      return typeof value === 'string' && value.toLowerCase().startsWith(expr.prefix.toLowerCase());
    }
  }
}

/**
 * `"property:term"` clauses of Graph's $search, joined by OR or AND (upper case, as Graph requires);
 * `\` escapes `"` and `\` inside a clause.
 */
export interface SearchExpr {
  join: 'OR' | 'AND';
  clauses: { property: string; term: string }[];
}

export function parseSearch(input: string, searchable: string[]): SearchExpr {
  const clauses: SearchExpr['clauses'] = [];
  const joins = new Set<'OR' | 'AND'>();
  // inside a clause, \ escapes the next character (so a value can hold " without ending the clause)
  const re = /\s*"((?:[^"\\]|\\.)*)"\s*(?:(OR|AND)(?=\s*")|$)/y;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(input))) {
    const clause = m[1].replace(/\\(.)/g, '$1');
    const [property, ...rest] = clause.split(':');
    const canonical = searchable.find((p) => p.toLowerCase() === property.trim().toLowerCase());
    if (rest.length === 0 || !canonical) {
      throw new ODataQueryError(
        `Invalid search clause: '${clause}'. Use "property:term" with one of ${searchable.join(', ')}.`,
      );
    }
    clauses.push({ property: canonical, term: rest.join(':').trim() });
    if (m[2]) joins.add(m[2] as 'OR' | 'AND');
    end = re.lastIndex;
    if (!m[2]) break;
  }
  if (clauses.length === 0 || end !== input.length || joins.size > 1) {
    const at = clauses.length === 0 ? 0 : end;
    throw new ODataQueryError(
      `Syntax error: character '${input[at] ?? ''}' is not valid at position ${at} in '${input}'.`,
    );
  }
  return { join: joins.has('AND') ? 'AND' : 'OR', clauses };
}

/** Graph's tokenized search: every word of the term is the start of some word of the property. */
export function matchesSearch(expr: SearchExpr, item: Record<string, unknown>): boolean {
  const words = (text: string) =>
    text
      .toLowerCase()
      .split(/[\s.,;:@_\-'"()]+/)
      .filter(Boolean);
  const test = ({ property, term }: { property: string; term: string }) => {
    const value = item[property];
    if (typeof value !== 'string') return false;
    const have = words(value);
    return words(term).every((needle) => have.some((word) => word.startsWith(needle)));
  };
  return expr.join === 'AND' ? expr.clauses.every(test) : expr.clauses.some(test);
}
