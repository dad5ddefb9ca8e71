/**
 * A checkbox prompt with group headings and a live footer computed from the current selection. The
 * component question needs it: dependencies pulled in and the total CPU/memory request against what
 * the cluster can allocate change with every toggle, and @inquirer/checkbox only lets a theme see the
 * selection once the answer is submitted. Keys are the same as @inquirer/checkbox's.
 */
import {
  createPrompt,
  isDownKey,
  isEnterKey,
  isSpaceKey,
  isUpKey,
  makeTheme,
  useKeypress,
  useMemo,
  usePagination,
  usePrefix,
  useState,
} from '@inquirer/core';

export interface CheckboxItem<T> {
  readonly value: T;
  readonly name: string;
  /** Shown in the answered line; defaults to the name. */
  readonly short?: string | undefined;
  readonly description?: string | undefined;
  readonly checked?: boolean | undefined;
}
export interface CheckboxHeading {
  readonly heading: string;
}

export interface FooterCheckboxConfig<T> {
  readonly message: string;
  readonly choices: readonly (CheckboxItem<T> | CheckboxHeading)[];
  readonly pageSize?: number;
  /** Lines shown under the list, recomputed on every change of the selection. */
  readonly footer?: (selected: readonly T[]) => string;
  readonly validate?: (selected: readonly T[]) => true | string;
}

type Row = { kind: 'heading'; text: string } | { kind: 'item'; item: CheckboxItem<unknown>; checked: boolean };
type ItemRow = Extract<Row, { kind: 'item' }>;

const isItem = (r: Row | undefined): r is ItemRow => r?.kind === 'item';

/** Values are `unknown` here; the prompter gives the call its type. */
export const footerCheckbox = createPrompt<unknown[], FooterCheckboxConfig<unknown>>((config, done) => {
  const theme = makeTheme({});
  const [status, setStatus] = useState<'idle' | 'done'>('idle');
  const prefix = usePrefix({ status, theme });
  const [rows, setRows] = useState<Row[]>(
    config.choices.map((c): Row =>
      'heading' in c ? { kind: 'heading', text: c.heading } : { kind: 'item', item: c, checked: c.checked === true },
    ),
  );
  const first = useMemo(() => rows.findIndex((r) => r.kind === 'item'), [rows]);
  const [active, setActive] = useState(first);
  const [error, setError] = useState<string | undefined>(undefined);
  const selected = rows
    .filter(isItem)
    .filter((r) => r.checked)
    .map((r) => r.item.value);

  useKeypress((key) => {
    if (isEnterKey(key)) {
      const ok = config.validate ? config.validate(selected) : true;
      if (ok === true) {
        setStatus('done');
        done(selected);
      } else {
        setError(ok);
      }
      return;
    }
    setError(undefined);
    if (isUpKey(key) || isDownKey(key)) {
      const step = isUpKey(key) ? -1 : 1;
      let next = active;
      do next = (next + step + rows.length) % rows.length;
      while (!isItem(rows[next]));
      setActive(next);
    } else if (isSpaceKey(key)) {
      setRows(rows.map((r, i) => (i === active && isItem(r) ? { ...r, checked: !r.checked } : r)));
    } else if (key.name === 'a') {
      const all = rows.some((r) => isItem(r) && !r.checked);
      setRows(rows.map((r) => (isItem(r) ? { ...r, checked: all } : r)));
    } else if (key.name === 'i') {
      setRows(rows.map((r) => (isItem(r) ? { ...r, checked: !r.checked } : r)));
    }
  });

  const activeRow = rows[active];
  const page = usePagination({
    items: rows,
    active,
    pageSize: config.pageSize ?? 20,
    loop: false,
    renderItem: ({ item, isActive }) => {
      if (!isItem(item)) return ` ${theme.style.help(`── ${item.text}`)}`;
      const line = `${isActive ? '❯' : ' '}${item.checked ? '◉' : '◯'} ${item.item.name}`;
      return isActive ? theme.style.highlight(line) : line;
    },
  });
  const message = theme.style.message(config.message, status);
  if (status === 'done') {
    const names = rows
      .filter(isItem)
      .filter((r) => r.checked)
      .map((r) => r.item.short ?? r.item.name);
    const shown = names.length > 10 ? `${names.slice(0, 10).join(', ')}, … (${names.length} in all)` : names.join(', ');
    return `${prefix} ${message} ${theme.style.answer(shown)}`;
  }
  return [
    `${prefix} ${message}`,
    page,
    isItem(activeRow) && activeRow.item.description ? theme.style.help(activeRow.item.description) : '',
    config.footer ? config.footer(selected) : '',
    error !== undefined ? theme.style.error(error) : '',
    theme.style.help('↑↓ navigate • space select • a all • i invert • ⏎ submit'),
  ]
    .filter(Boolean)
    .join('\n');
});
