/** English. */
import type { Messages } from '../i18n.ts';
import { common } from './common/en.ts';

const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const group = (n: number) => new Intl.NumberFormat('en-GB').format(n);

const en: Messages = {
  // The texts both citizen elements show alike (`lang/common/<tag>.ts`).
  ...common,
  loadingPlan: 'Loading the plan …',
  noPlans: 'You are not a relative in any coordinated individual plan (SIP) at the moment.',

  plansCount: (n: number) =>
    n === 1 ? 'You are a relative in 1 coordinated individual plan (SIP).' : `You are a relative in ${n} coordinated individual plans (SIPs).`,
  sipMeans: 'SIP stands for coordinated individual plan: the plan in which the municipality and the region write down together what is to be done and who does it.',
  planStatus: {
    draft: 'Draft',
    active: 'In force',
    followed_up: 'Followed up',
    consent_withdrawn: 'Paused: consent withdrawn',
    closed: 'Closed',
  },

  print: 'Print',
  youAre: (name: string, relationship: string) => `You are ${name} (${relationship}).`,

  coordinator: 'Coordinator of the plan',
  phoneHours: 'Phone hours',
  someone: 'the person the plan is for',

  commitmentsHeading: 'Your commitments',
  commitmentsIntro:
    'You have been asked to do these things. It is voluntary. Nothing applies until you accept, and you can withdraw from a commitment whenever you want.',
  noCommitments: 'You have not been asked to take on any commitment.',
  childNoCommitments: 'Children are not asked to take on commitments. You can still get information and support.',
  commitmentKind: 'Kind of help',
  commitmentKinds: {
    'personal-care': 'Personal care',
    household: 'Household and practical help',
    accompanying: 'Accompanying and transport',
    supervision: 'Supervision and company',
    contacts: 'Contacts with care and authorities',
    finances: 'Finances and paperwork',
    other: 'Other',
  },
  howOften: 'How often',
  period: 'Period',
  reviewDate: 'To be reviewed',
  commitmentStatus: {
    requested: 'Waiting for your answer',
    accepted: 'You have accepted',
    declined: 'You have declined',
    withdrawn: 'You have withdrawn',
    cancelled: 'Cancelled by staff',
  },
  reconfirmDue: (date: string) => `Time to check: can you carry on with this? By ${date}.`,
  reconfirmFrom: (date: string) => `You will be asked again from ${date}.`,
  cancelledHelp: 'Staff have removed this commitment. You do not need to do anything. Questions? Contact the coordinator.',
  withdrawnHelp: (responsible: string | null) =>
    `${responsible ? `${responsible}, who is responsible for the plan,` : 'Whoever is responsible for the plan'} has been told and will plan again, so that the help still happens.`,
  accept: 'Accept',
  decline: 'Decline',
  withdraw: 'Withdraw',
  reconfirm: 'Yes, I will carry on',
  comment: 'Comment (optional)',
  commentHint: 'At most 2,000 characters. Staff working on the plan can read it.',
  history: 'Your answers so far',
  historyEntry: {
    requested: 'Staff asked you',
    accepted: 'You accepted',
    declined: 'You declined',
    withdrawn: 'You withdrew',
    cancelled: 'Staff cancelled the commitment',
    reconfirmed: 'You confirmed you will carry on',
  },
  nextReview: (date: string) => `next review ${date}`,

  withdrawTitle: 'Do you want to withdraw from this commitment?',
  withdrawBody: (responsible: string | null) =>
    `You will stop doing this. ${responsible ? `${responsible}, who is responsible for the plan,` : 'Whoever is responsible for the plan'} will be told and must plan again, so that the help happens in another way. You do not have to say why.`,
  withdrawComment: 'Do you want to say why? (optional)',
  withdrawConfirm: 'Yes, withdraw',
  withdrawCancel: 'No, carry on as before',

  declineTitle: 'Do you want to decline?',
  declineBody: (responsible: string | null) =>
    `It is quite all right to decline. ${responsible ? `${responsible}, who is responsible for the plan,` : 'Whoever is responsible for the plan'} will be told and will arrange the help another way. You can change your mind and accept as long as they have not planned anew.`,
  declineConfirm: 'Yes, decline',
  declineCancel: 'No, go back',
  declinedHelp: (responsible: string | null) =>
    `Changed your mind? You can accept as long as ${responsible ?? 'whoever is responsible for the plan'} has not planned anew.`,
  changeToAccept: 'Change my mind and accept',

  roleHeading: 'Your role as a relative',
  roleIntro: (responsible: string | null) =>
    `Being a relative in the plan is voluntary. If you no longer want a role in the plan, you can say so here. ${responsible ?? 'Whoever is responsible for the plan'} will then contact you to plan anew. What you have accepted stands until you have talked; if you want to stop something at once, you can withdraw from it above.`,
  leaveButton: 'I want to step out of my role',
  leaveTitle: 'Do you want to step out of your role in the plan?',
  leaveBody: (responsible: string | null) =>
    `${responsible ?? 'Whoever is responsible for the plan'} will be told and will contact you to plan anew, so that the help still happens. You do not need to say why.`,
  leaveConfirm: 'Yes, I want to step out',
  leaveCancel: 'No, go back',
  leaveAsked: (date: string) => `On ${date} you asked to step out of your role.`,
  leaveWaiting: (responsible: string | null) => `${responsible ?? 'Whoever is responsible for the plan'} will contact you.`,

  todo: {
    heading: 'To do',
    none: 'There is nothing for you to answer at the moment.',
    answer: 'Answer:',
    reconfirm: (date: string) => `Check by ${date}:`,
    home: 'Answer about your shared home',
  },

  receipt: {
    title: 'Receipt for your answer',
    answer: 'Your answer',
    comment: 'Your comment',
    at: 'Saved',
    reference: 'Reference',
    told: 'Has been told',
    coordinator: (name: string) => `the coordinator ${name}`,
    next: 'What happens now',
    keep: 'Keep the receipt. Give the reference if you want to ask about your answer.',
    print: 'Print the receipt',
    answers: {
      accepted: 'You accepted',
      declined: 'You declined',
      withdrawn: 'You withdrew from',
      reconfirmed: 'You will carry on with',
      'home-consent-yes': 'Yes, you agree that your shared home is used for care',
      'home-consent-no': 'No, you do not agree that your shared home is used for care',
      'contact-consultant': "You asked the relatives' consultant to contact you",
      'needs-assessment': 'You asked for an assessment of your own needs',
      'leave-role': 'You asked to step out of your role in the plan',
    },
    nextSteps: {
      accepted: 'The commitment applies now. You can withdraw whenever you want. Before the review you will be asked whether you want to carry on.',
      declined: (r: string) => `${r} will arrange the help another way. You can change your mind and accept as long as they have not planned anew.`,
      withdrawn: (r: string) => `${r} will plan again, so that the help happens another way. You do not need to do anything more.`,
      reconfirmed: 'You carry on as before. You will be asked again before the next review.',
      'home-consent-yes': 'Staff may give care in your home. You can change your answer whenever you want.',
      'home-consent-no': (r: string) => `${r} will plan how the care can be given without your home. You can change your answer whenever you want.`,
      'contact-consultant': "The relatives' consultant will contact you.",
      'needs-assessment': 'The municipality will contact you to assess what support you need.',
      'leave-role': (r: string) => `${r} will contact you to plan anew. What you have accepted stands until you have talked.`,
    },
    responsible: 'Whoever is responsible for the plan',
  },
  errorReference: (id: string) => `Give the reference ${id} if you contact us.`,
  help: 'Need help? Call',

  child: {
    heading: 'What is happening?',
    what: (who: string) =>
      `The municipality and the region are helping ${who}. The adults have written a plan together, so that the help works. You do not need to do anything.`,
    feelings: 'It is common to feel worried or sad when someone in the family needs help. You may talk to someone about it.',
    talkHeading: 'Who can you talk to?',
    counsellor: 'The school counsellor at your school',
    bris: 'BRIS, for you under 18. Call or chat:',
    umo: 'UMO, for you aged 13 to 25:',
    coordinator: (name: string) => `${name}, who coordinates the plan`,
  },

  saved: (time: string) => `Saved ${time}.`,
  notSaved: 'Not saved.',
  unknown: 'We do not know whether your answer was saved.',
  outcomeHelp: {
    network: 'We could not reach the service. Check your internet connection and try again.',
    session: 'Your sign-in has expired. Sign in again, then press Try again.',
    server: 'Something went wrong in the service. Try again in a while.',
    unknown: 'The service did not answer in time. Try again – if your answer was already saved, it will not be saved twice.',
    conflict: 'Something has changed since you opened the plan, for example by staff. We have loaded the latest.',
    validation: 'What you wrote could not be saved. Correct the error and try again.',
  },
  retrySafe: 'It is safe to try again: your answer is only saved once.',
  announce: {
    accepted: (what: string) => `Saved. You have accepted: ${what}.`,
    declined: (what: string) => `Saved. You have declined: ${what}.`,
    withdrawn: (what: string) => `Saved. You have withdrawn from: ${what}.`,
    reconfirmed: (what: string) => `Saved. You will carry on with: ${what}.`,
    homeConsent: 'Saved. Your answer about the home is recorded.',
    request: 'Saved. Your request has been sent.',
    notSaved: 'Not saved.',
    unknown: 'We do not know whether your answer was saved.',
    planOpened: (title: string) => `${title} is open.`,
  },

  homeHeading: 'Your shared home',
  homeIntro: (who: string) =>
    `You live with ${who}. When care is given at home, your shared home becomes a workplace for staff. That needs your consent.`,
  homeMeans: [
    'Yes means that staff come to your home, for example to help with meals, washing or medicines. They may need to set up an aid, for example a bed.',
    'No means that staff do not work in your home. The care is then planned another way, and whoever is responsible for the plan talks with you about how.',
    'You can change your answer whenever you want, here or through the coordinator.',
  ],
  homeQuestion: 'Do you agree that your shared home is used for care?',
  homeYes: 'Yes, I agree',
  homeNo: 'No, I do not agree',
  homeSave: 'Save my answer',
  homeCurrentYes: (date: string) => `You agreed on ${date}.`,
  homeCurrentNo: (date: string) => `You did not agree on ${date}.`,
  homeNotAnswered: 'You have not answered yet.',
  homeChoose: 'Choose yes or no',
  homeHistory: 'Your answers about the home',
  homeHistoryYes: 'Yes',
  homeHistoryNo: 'No',

  supportHeading: 'Support for you as a relative',
  supportIntro: 'The municipality must offer support to you who help someone close to you.',
  supportOffered: 'Support you have been offered',
  supportOffers: {
    conversation: 'Someone to talk to',
    respite: 'Respite, so that you get time for yourself',
    groups: 'Meetings with other relatives',
    training: 'Training for relatives',
  },
  supportNoneOffered: 'No support has been offered yet.',
  myRequests: 'What you have asked for',
  requestKinds: {
    'contact-consultant': "For the relatives' consultant to contact you",
    'needs-assessment': 'An assessment of your own needs',
  },
  requestAsked: (date: string) => `You asked on ${date}.`,
  requestHandled: (date: string) => `Done on ${date}.`,
  requestOpen: 'Not done yet.',
  requestButtons: {
    'contact-consultant': "Ask the relatives' consultant to contact me",
    'needs-assessment': 'Ask for an assessment of my own needs',
  },
  requestNote: 'Anything you want to add? (optional)',

  sharedHeading: 'What you can see of the plan',
  sharedUntil: (date: string, who: string) => `${cap(who)} has agreed that you can see this, until ${date}.`,
  sharedOpen: (who: string) => `${cap(who)} has agreed that you can see this.`,
  nothingShared: (who: string) => `${cap(who)} does not share anything of the plan with you at the moment. You only see what concerns you.`,
  consentWithdrawn: (who: string) =>
    `${cap(who)} has withdrawn their consent to the plan. Your own part still stands: your commitments and answers, what you are told and your support.`,
  goals: 'Goals',
  individualGoals: (who: string) => `What matters most to ${who}`,
  professionalGoals: (organisation: string) => `Goals of ${organisation}`,
  interventionStatus: {
    planned: 'Planned',
    decided: 'Decided',
  },
  contacts: 'Contact people',
  needs: 'Needs',

  informationHeading: 'Information for you',
  informationNone: 'No information is planned for you yet.',
  informationHow: (how: string, howOften: string) => `${how}, ${howOften}`,
  informedHeading: 'When you were informed',
  informedBy: (name: string) => `by ${name}`,

  commentTooLong: (max: number, length: number) =>
    `Your comment must be ${group(max)} characters or fewer. It is now ${group(length)} characters.`,
  commentControl: 'Your comment contains characters that cannot be saved. Remove them and try again.',
  commentRejected: 'Your comment could not be saved. Check its length and characters.',
};

export default en;
