/**
 * The social media sites every form and card names: the policy's "Facebook, Twitter, LinkedIn, Instagram,
 * Snapchat, Yammer, YouTube and Vimeo", with TikTok and Other. One list for access requests, reports,
 * takedown notices and the words people type (src/understanding/platforms.ts).
 */
export const PLATFORMS = ['facebook', 'x', 'linkedin', 'instagram', 'snapchat', 'viva_engage', 'youtube', 'vimeo', 'tiktok', 'other'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const PLATFORM_LABELS: Readonly<Record<Platform, string>> = {
  facebook: 'Facebook', x: 'X (Twitter)', linkedin: 'LinkedIn', instagram: 'Instagram', snapchat: 'Snapchat',
  viva_engage: 'Viva Engage (Yammer)', youtube: 'YouTube', vimeo: 'Vimeo', tiktok: 'TikTok', other: 'Other',
};

/** How a site reads: its label, or the name typed for "Other" (`Other` when none was). */
export function platformName(platform: Platform, otherName?: string): string {
  return platform === 'other' ? otherName || 'Other' : PLATFORM_LABELS[platform];
}
