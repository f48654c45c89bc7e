// pages maps a route's parts to the function that draws it.
import { dashboard, stats } from './dashboard.js';
import { listingList, listingDetail, reviewQueue, listingMatches, listingForm } from './listings.js';
import { board, matchDetail } from './matches.js';
import { agreementList, agreementForm } from './agreements.js';
import { institutionList, institutionDetail, institutionForm } from './institutions.js';
import { webhookList, webhookForm, webhookDetail } from './webhooks.js';

export function pages(p) {
  const [a, b, c] = p;
  switch (a) {
    case undefined: return dashboard;
    case 'review': return reviewQueue;
    case 'stats': return stats;
    case 'offers': case 'demands':
      if (!b) return listingList;
      if (b === 'new') return listingForm;
      if (c === 'matches') return listingMatches;
      if (c === 'edit') return listingForm;
      return c ? null : listingDetail;
    case 'board': return board;
    case 'matches': return b ? matchDetail : board;
    case 'agreements': return !b ? agreementList : agreementForm;
    case 'institutions': return !b ? institutionList : b === 'new' ? institutionForm : institutionDetail;
    case 'webhooks': return !b ? webhookList : b === 'new' ? webhookForm : webhookDetail;
    // events and notifications: their pages are added here when they land.
    default: return null;
  }
}

// reload draws the current route again (after a change).
export function reload() { window.dispatchEvent(new HashChangeEvent('hashchange')); }
