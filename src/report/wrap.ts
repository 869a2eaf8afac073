/** Word-wrap plain text to a width; words longer than the width are split. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    const room = Math.max(10, width - indent.length);
    for (const word of paragraph.split(/ +/).filter(Boolean)) {
      let w = word;
      while (Array.from(w).length > room) {
        if (line) {
          lines.push(indent + line);
          line = '';
        }
        const chars = Array.from(w);
        lines.push(indent + chars.slice(0, room).join(''));
        w = chars.slice(room).join('');
      }
      if (!line) line = w;
      else if (Array.from(line).length + 1 + Array.from(w).length <= room) line += ` ${w}`;
      else {
        lines.push(indent + line);
        line = w;
      }
    }
    lines.push(indent + line);
  }
  return lines;
}
