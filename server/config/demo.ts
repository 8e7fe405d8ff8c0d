/**
 * The demo event of `npm start`: open now, small enough that a few browser
 * tabs visibly queue. It has no cohorts, so nobody is asked for a birth date.
 */
import type { z } from 'zod';
import type { EventConfig } from './event-schema.js';

export function demoEvent(now: number): z.input<typeof EventConfig> {
  const slots = ['09:00', '10:00', '11:00', '13:00', '14:00', '15:00'].map((label) => ({
    id: label.replace(':', ''),
    label,
    capacity: 5,
  }));
  return {
    id: 'demo',
    title: { ko: '데모 백신 예약', en: 'Demo vaccination booking' },
    timeZone: 'Asia/Seoul',
    opensAt: now - 60_000,
    closesAt: now + 24 * 3600_000,
    maxActive: 2,
    admitsPerMinute: 6,
    grantTtlSeconds: 180,
    graceSeconds: 20,
    centers: [
      { id: 'seoul-central', name: 'Seoul Central Vaccination Center', slots },
      { id: 'busan-east', name: 'Busan East Community Center', slots: slots.slice(0, 3) },
    ],
  };
}
