/**
 * Google's JSON error envelope, as the YouTube Data API sends it:
 * {error:{code, message, errors:[{message, domain, reason, location?, locationType?}], status}}.
 * Clients (gaxios/googleapis) read `errors[0].reason`, so reasons and domains matter.
 */

const STATUS_TEXT: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE',
};

export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    errors: Array<{ message: string; domain: string; reason: string; location?: string; locationType?: string }>;
    status?: string;
  };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly domain: string,
    message: string,
    readonly location?: string,
  ) {
    super(message);
  }

  body(): GoogleErrorBody {
    const item: GoogleErrorBody['error']['errors'][number] = { message: this.message, domain: this.domain, reason: this.reason };
    if (this.location) Object.assign(item, { location: this.location, locationType: 'parameter' });
    const body: GoogleErrorBody = { error: { code: this.status, message: this.message, errors: [item] } };
    const statusText = STATUS_TEXT[this.status];
    if (statusText) body.error.status = statusText;
    return body;
  }
}

export type QuotaVariant = 'quotaExceeded' | 'dailyLimitExceeded';

export const apiErrors = {
  unauthenticated: () => new ApiError(401, 'authError', 'global',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    'Authorization'),
  // Modern shape (youtube.quota) and the older usageLimits/dailyLimitExceeded one; both 403.
  quota: (variant: QuotaVariant) => variant === 'quotaExceeded'
    ? new ApiError(403, 'quotaExceeded', 'youtube.quota',
      'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.')
    : new ApiError(403, 'dailyLimitExceeded', 'usageLimits',
      'Daily Limit Exceeded. The quota will be reset at midnight Pacific Time (PT). You may monitor your quota usage and adjust limits in the API Console.'),
  tooManyRequests: () => new ApiError(429, 'rateLimitExceeded', 'global', 'Resource has been exhausted (e.g. check quota).'),
  rateLimitExceeded: () => new ApiError(403, 'rateLimitExceeded', 'usageLimits', 'Rate Limit Exceeded'),
  userRateLimitExceeded: () => new ApiError(403, 'userRateLimitExceeded', 'usageLimits', 'User Rate Limit Exceeded'),
  backend: (status: 500 | 503) => status === 500
    ? new ApiError(500, 'backendError', 'global', 'Internal error encountered.')
    : new ApiError(503, 'backendError', 'global', 'The service is currently unavailable.'),
  invalidPageToken: () => new ApiError(400, 'invalidPageToken', 'youtube.parameter',
    'The request specifies an invalid page token.', 'pageToken'),
  playlistNotFound: () => new ApiError(404, 'playlistNotFound', 'youtube.playlistItem',
    "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.", 'playlistId'),
  playlistItemsNotAccessible: () => new ApiError(403, 'playlistItemsNotAccessible', 'youtube.playlistItem',
    'The request is not properly authorized to retrieve the specified playlist.', 'playlistId'),
  incompatibleParameters: (a: string, b: string) => new ApiError(400, 'incompatibleParameters', 'youtube.parameter',
    `The request specifies incompatible parameters: ${a} and ${b}.`, b),
  required: (param: string) => new ApiError(400, 'required', 'global', `Required parameter: ${param}`, param),
  unknownPart: (part: string) => new ApiError(400, 'unknownPart', 'youtube.part', part, 'part'),
  noFilter: (expected: string) => new ApiError(400, 'missingRequiredParameter', 'youtube.parameter',
    `No filter selected. Expected one of: ${expected}`),
  // "Invalid value '51'. Values must be within the range: [0, 50]" is what the real API says.
  outOfRange: (param: string, value: string) => new ApiError(400, 'invalidParameter', 'global',
    `Invalid value '${value}'. Values must be within the range: [0, 50]`, param),
  invalidEnum: (param: string, value: string) => new ApiError(400, 'invalidParameter', 'global',
    `Invalid value '${value}'. Values must be one of the allowed values for ${param}.`, param),
  subscriptionForbidden: () => new ApiError(403, 'subscriptionForbidden', 'youtube.subscription',
    'The requester is not allowed to access the requested subscriptions.'),
  tooManyIds: () => new ApiError(400, 'badRequest', 'global', 'Request contains an invalid argument.', 'id'),
  notFound: (path: string) => new ApiError(404, 'notFound', 'global', `Method not found: ${path}`),
  methodNotAllowed: (method: string) => new ApiError(405, 'httpMethodNotAllowed', 'global', `HTTP method ${method} is not supported by this URL`),
};
