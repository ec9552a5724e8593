/**
 * Deterministic randomness and YouTube-looking identifiers for the emulator.
 * Everything the fakes generate goes through a seeded PRNG so a failing test
 * can be replayed exactly.
 */

/** mulberry32: tiny, fast, good enough for test data; same seed → same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// The 11th char of a real video id only carries 2 bits, so it is one of these 16.
const VIDEO_ID_LAST = 'AEIMQUYcgkosw048';

export class Rng {
  private readonly next01: () => number;
  constructor(seed: number) {
    this.next01 = mulberry32(seed);
  }
  next(): number {
    return this.next01();
  }
  /** Integer in [min, max], inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next01() * (max - min + 1));
  }
  chance(p: number): boolean {
    return p > 0 && this.next01() < p;
  }
  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new Error('pick from empty array');
    return arr[Math.floor(this.next01() * arr.length)] as T;
  }
  chars(n: number, alphabet: string = B64URL): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next01() * alphabet.length)];
    return s;
  }
  hex(n: number): string {
    return this.chars(n, '0123456789ABCDEF');
  }
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = Math.floor(this.next01() * (i + 1));
      const tmp = arr[i] as T;
      arr[i] = arr[j] as T;
      arr[j] = tmp;
    }
    return arr;
  }
}

/** 11 chars, e.g. "dQw4w9WgXcQ". */
export function makeVideoId(rng: Rng): string {
  return rng.chars(10) + rng.chars(1, VIDEO_ID_LAST);
}

/** "UC" + 22 chars, e.g. "UC_x5XG1OV2P6uZZ5FSM9Ttw". */
export function makeChannelId(rng: Rng): string {
  return 'UC' + rng.chars(21) + rng.chars(1, 'AQgw');
}

/** "PL" + 32 chars, like playlists created in the YouTube UI. */
export function makePlaylistId(rng: Rng): string {
  return 'PL' + rng.chars(32);
}

/**
 * Real playlistItem ids are standard base64 of "<playlistId>.<16 hex>", which is why
 * they start with "UEx" (= "PL") or "TEwu" (= "LL.") and sometimes end with "=".
 */
export function makePlaylistItemId(rng: Rng, playlistId: string): string {
  return Buffer.from(`${playlistId}.${rng.hex(16)}`, 'utf8').toString('base64');
}
