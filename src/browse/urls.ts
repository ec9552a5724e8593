/** Where a person opens a video: the watch page, which also shows what became of a deleted one. */
export const watchUrl = (videoId: string): string => `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}`;
