/** Events of the product-facing feed (GET /api/v1/events), in the order the issue lists them. */
export const feedEventTypes = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.deleted',
  'run.succeeded',
  'run.failed',
  'run.held',
] as const;

/** Events only notification targets receive (operational, not product data). */
export const alertEventTypes = ['connection.access_lost', 'setup.failing', 'setup.recovered'] as const;

/** What a notification target may subscribe to. */
export const subscribableEventTypes = [...feedEventTypes, ...alertEventTypes] as const;

/** A new target's default subscription: the things somebody must act on. */
export const defaultTargetEventTypes: SubscribableEventType[] = [
  'run.failed',
  'run.held',
  'connection.access_lost',
  'setup.failing',
  'setup.recovered',
];

/** The event a "send a test notification" request makes; never in the feed. */
export const testEventType = 'notification.test';

export type FeedEventType = (typeof feedEventTypes)[number];
export type SubscribableEventType = (typeof subscribableEventTypes)[number];

/** Failed runs in a row after which a setup counts as failing (setup.failing, directory_sync_setups_failing). */
export const failingStreakThreshold = 3;
