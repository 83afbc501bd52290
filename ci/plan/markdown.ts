/**
 * Markdown building blocks for the plan note: safe inline code, HTML
 * escaping, and a size-bounded assembler that drops what does not fit and
 * counts it, so the note can say what it left out.
 */

/** Inline code that stays code whatever the text holds (backticks, `<`, `|`, `*`). */
export function code(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text.replaceAll("\n", " ")}${pad}${fence}`;
}

/** Text for HTML contexts such as `<summary>`. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** `1 resource`, `3 resources`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** A section whose entries may be dropped one by one when space runs out. */
export interface ListSection<T> {
  /** Text before the entries (heading, `<details>` opening); kept only if at least the frame fits. */
  readonly open: string;
  readonly items: readonly T[];
  /** Turns one item into its Markdown; called only while there is room, so huge plans stay cheap. */
  readonly render: (item: T) => string;
  /** Text after the entries (`</details>`); always written when `open` was. */
  readonly close: string;
}

/**
 * Appends text while it fits in `limit` characters. Whole text blocks and
 * list entries are the units: nothing is cut in the middle, so no Markdown or
 * HTML structure is left open.
 */
export class BoundedDocument {
  private readonly parts: string[] = [];
  private used = 0;
  /** List entries that did not fit. */
  omittedEntries = 0;
  /** Text blocks that did not fit. */
  omittedBlocks = 0;
  /** All list entries offered, written or not. */
  offeredEntries = 0;

  constructor(private readonly limit: number) {}

  get length(): number {
    return this.used;
  }

  /** Whether anything was left out. */
  get truncated(): boolean {
    return this.omittedEntries + this.omittedBlocks > 0;
  }

  private push(text: string): void {
    this.parts.push(text);
    this.used += text.length;
  }

  /** Adds a block when it fits; returns whether it did. */
  text(block: string): boolean {
    if (this.used + block.length > this.limit) {
      this.omittedBlocks += 1;
      return false;
    }
    this.push(block);
    return true;
  }

  list<T>(section: ListSection<T>): void {
    this.offeredEntries += section.items.length;
    if (section.items.length === 0) return;
    if (this.used + section.open.length + section.close.length > this.limit) {
      this.omittedEntries += section.items.length;
      return;
    }
    this.push(section.open);
    const reserve = section.close.length;
    for (const [index, item] of section.items.entries()) {
      const text = section.render(item);
      if (this.used + text.length + reserve > this.limit) {
        this.omittedEntries += section.items.length - index;
        break;
      }
      this.push(text);
    }
    this.push(section.close);
  }

  toString(): string {
    return this.parts.join("");
  }
}
