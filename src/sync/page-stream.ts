import type { ListPage } from '../youtube/client.js';

export interface PageSource<R> {
  /** `offset`: the index of the page's first item in the list (for items without a position). */
  fetch(pageToken: string | null, offset: number): Promise<ListPage<R>>;
}

/**
 * The pages of a list from a page token on, in order. It only fetches; the consumer stores.
 * The next page is requested as soon as its token is known, while the consumer writes the
 * current one: the network wait overlaps the database work, still one request per list at a
 * time. No request starts once `stopped()` says so, but a page already requested is still
 * yielded — its unit is spent, so the consumer should store it. A consumer that leaves early
 * (a restart) still waits for the page in flight, so that its unit is counted before the run ends.
 */
export async function* pageStream<R>(
  source: PageSource<R>,
  from: { pageToken: string | null; offset: number },
  stopped: () => boolean,
): AsyncGenerator<ListPage<R>> {
  if (stopped()) return;
  let offset = from.offset;
  let request: Promise<ListPage<R>> | undefined = source.fetch(from.pageToken, offset);
  try {
    while (request) {
      const page: ListPage<R> = await request;
      request = undefined;
      offset += page.rawCount;
      if (page.nextPageToken !== null && !stopped()) {
        request = source.fetch(page.nextPageToken, offset);
        request.catch(() => undefined); // observed when awaited, below or in `finally`
      }
      yield page;
    }
  } finally {
    await request?.catch(() => undefined);
  }
}
