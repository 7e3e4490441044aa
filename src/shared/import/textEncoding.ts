// The text encodings the importer reads (and a saved mapping or --encoding may declare).
export const TEXT_ENCODINGS = [
  'utf-8',
  'utf-16le',
  'utf-16be',
  'windows-1252',
  'iso-8859-1',
  'iso-8859-2',
  'iso-8859-15',
  'windows-1250',
  'cp852',
] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

/** Maps an encoding label as files write it (`CHARSET:1252`, `encoding="ISO-8859-1"`, `UTF8`) to ours. */
export function textEncodingFromLabel(label: string): TextEncoding | undefined {
  const l = label.trim().toLowerCase().replace(/_/g, '-');
  const table: Record<string, TextEncoding> = {
    'utf-8': 'utf-8',
    utf8: 'utf-8',
    'utf-16le': 'utf-16le',
    'utf-16be': 'utf-16be',
    '1252': 'windows-1252',
    'windows-1252': 'windows-1252',
    cp1252: 'windows-1252',
    'iso-8859-1': 'iso-8859-1',
    'iso8859-1': 'iso-8859-1',
    latin1: 'iso-8859-1',
    'latin-1': 'iso-8859-1',
    'iso-8859-2': 'iso-8859-2',
    latin2: 'iso-8859-2',
    'iso-8859-15': 'iso-8859-15',
    latin9: 'iso-8859-15',
    '1250': 'windows-1250',
    'windows-1250': 'windows-1250',
    cp1250: 'windows-1250',
    '852': 'cp852',
    cp852: 'cp852',
    ibm852: 'cp852',
  };
  return table[l];
}
