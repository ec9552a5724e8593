import type { ShownItem, ShownPlaylist } from '../browse/playlist-items.js';
import type { ShowWriter } from './show-text.js';

/**
 * `ytsync show --json`: one document, `{"playlist": {…}, "items": [ … ]}`, written as the items
 * are read — one item per line — so a long list never waits or sits in memory whole.
 */
export function showJsonWriter(playlist: ShownPlaylist, includesRemoved: boolean): ShowWriter {
  let first = true;
  const header = JSON.stringify({ ...playlist, includesRemoved }, null, 2).replace(/\n/g, '\n  ');
  return {
    heading: () => `{\n  "playlist": ${header},\n  "items": [`,
    item: (item: ShownItem) => {
      const line = `${first ? '' : ','}\n    ${JSON.stringify(item)}`;
      first = false;
      return line;
    },
    end: () => `${first ? '' : '\n  '}]\n}\n`,
  };
}
