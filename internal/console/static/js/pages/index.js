// pages maps a route's parts to the function that draws it.
import { dashboard, stats } from './dashboard.js';
import { listingList, listingDetail, reviewQueue, listingMatches, listingForm } from './listings.js';
import { board, matchDetail } from './matches.js';
import { agreementList, agreementForm } from './agreements.js';
import { institutionList, institutionDetail, institutionForm } from './institutions.js';
import { webhookList, webhookForm, webhookDetail } from './webhooks.js';
import { eventList, eventForm, eventDetail, registrationList, requestList, eventBoard, meetingDetail, agendaPage, eventStats } from './events.js';
import { notificationList, savedSearchList, savedSearchForm, settingsPage } from './notifications.js';
import { lexiconList, lexiconForm } from './lexicon.js';

export function pages(p) {
  const [a, b, c, d, e] = p;
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
    case 'events':
      if (!b) return eventList;
      if (b === 'new') return eventForm;
      if (!c) return eventDetail;
      if (c === 'registrations' && d && e === 'agenda') return agendaPage;
      if (d) return c === 'meetings' ? meetingDetail : null;
      return { registrations: registrationList, requests: requestList, board: eventBoard, stats: eventStats }[c] || null;
    case 'notifications': return b ? null : notificationList;
    case 'saved-searches': return !b ? savedSearchList : b === 'new' ? savedSearchForm : null;
    case 'settings': return b ? null : settingsPage;
    case 'lexicon': return !b ? lexiconList : lexiconForm;
    default: return null;
  }
}

// reload draws the current route again (after a change).
export function reload() { window.dispatchEvent(new HashChangeEvent('hashchange')); }
