/** The one validator of calendar dates wherever one is accepted: join, booking, events file. */
import { z } from 'zod';
import { isCalendarDate } from './calendar-date.js';

export const calendarDate = z.string().refine(isCalendarDate, 'a calendar date YYYY-MM-DD that exists, e.g. 1967-01-01');
