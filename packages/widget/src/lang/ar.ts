/** العربية (Arabic), written right to left. */
import type { Messages } from '../i18n.ts';
import { common } from './common/ar.ts';

const group = (n: number) => new Intl.NumberFormat('ar').format(n);
/** The responsible organisation as the subject of a sentence, or who it is when it has no name. */
const who = (responsible: string | null) => (responsible ? `${responsible}، الجهة المسؤولة عن الخطة،` : 'الجهة المسؤولة عن الخطة');

/** "a coordinated individual plan" counted, with Arabic's forms for one, two, three to ten, and more. */
function plans(n: number): string {
  if (n === 1) return 'خطة فردية منسقة واحدة';
  if (n === 2) return 'خطتين فرديتين منسقتين';
  if (n % 100 >= 3 && n % 100 <= 10) return `${n} خطط فردية منسقة`;
  return `${n} خطة فردية منسقة`;
}

const ar: Messages = {
  // The texts both citizen elements show alike (`lang/common/<tag>.ts`).
  ...common,
  loadingPlan: 'جارٍ تحميل الخطة …',
  noPlans: 'لست مُدرجًا حاليًا بصفتك قريبًا في أي خطة فردية منسقة (SIP).',

  plansCount: (n: number) => `أنت مُدرج بصفتك قريبًا في ${plans(n)} (SIP).`,
  sipMeans:
    'SIP تعني الخطة الفردية المنسقة: وهي الخطة التي تكتب فيها البلدية والمنطقة معًا ما يجب القيام به ومن يقوم به.',
  planStatus: {
    draft: 'مسودة',
    active: 'سارية',
    followed_up: 'تمت متابعتها',
    consent_withdrawn: 'متوقفة: تم سحب الموافقة',
    closed: 'منتهية',
  },

  print: 'طباعة',
  youAre: (name: string, relationship: string) => `أنت ${name} (${relationship}).`,

  coordinator: 'منسق الخطة',

  commitmentsHeading: 'التزاماتك',
  commitmentsIntro:
    'طُلب منك القيام بهذه الأمور. الأمر اختياري. لا يسري شيء منها قبل أن توافق، ويمكنك إنهاء أي التزام متى شئت.',
  noCommitments: 'لم يُطلب منك أي التزام.',
  childNoCommitments: 'لا يُطلب من الأطفال تحمّل التزامات. ومع ذلك يمكنك الحصول على المعلومات والدعم.',
  commitmentKind: 'نوع المساعدة',
  commitmentKinds: {
    'personal-care': 'الرعاية الشخصية',
    household: 'الأعمال المنزلية والمساعدة العملية',
    accompanying: 'المرافقة والتنقل',
    supervision: 'الإشراف والمؤانسة',
    contacts: 'التواصل مع جهات الرعاية والسلطات',
    finances: 'الشؤون المالية والمعاملات',
    other: 'مساعدة أخرى',
  },
  howOften: 'كم مرة',
  period: 'المدة',
  reviewDate: 'موعد المراجعة',
  commitmentStatus: {
    requested: 'بانتظار ردك',
    accepted: 'لقد وافقت',
    declined: 'لقد اعتذرت',
    withdrawn: 'لقد أنهيت الالتزام',
    cancelled: 'ألغاه الموظفون',
  },
  reconfirmDue: (date: string) => `حان وقت المراجعة: هل يمكنك الاستمرار في هذا؟ في موعد أقصاه ${date}.`,
  reconfirmFrom: (date: string) => `سيُطرح عليك السؤال مرة أخرى ابتداءً من ${date}.`,
  cancelledHelp: 'أزال الموظفون هذا الالتزام. لا تحتاج إلى فعل أي شيء. هل لديك أسئلة؟ تواصل مع المنسق.',
  withdrawnHelp: (responsible: string | null) =>
    `أُبلغت ${who(responsible)} بذلك، وستعيد التخطيط حتى تُقدَّم المساعدة رغم ذلك.`,
  accept: 'أوافق',
  decline: 'أعتذر',
  withdraw: 'إنهاء الالتزام',
  reconfirm: 'نعم، سأستمر',
  comment: 'تعليق (اختياري)',
  commentHint: 'بحد أقصى 2000 حرف. يمكن للموظفين العاملين على الخطة قراءته.',
  history: 'ردودك حتى الآن',
  historyEntry: {
    requested: 'سألك الموظفون',
    accepted: 'وافقت',
    declined: 'اعتذرت',
    withdrawn: 'أنهيت الالتزام',
    cancelled: 'ألغى الموظفون الالتزام',
    reconfirmed: 'أكدت أنك ستستمر',
  },
  nextReview: (date: string) => `المراجعة القادمة ${date}`,

  withdrawTitle: 'هل تريد إنهاء الالتزام؟',
  withdrawBody: (responsible: string | null) =>
    `ستتوقف عندها عن القيام بهذا. ستُبلَّغ ${who(responsible)} بذلك، وعليها أن تعيد التخطيط حتى تُقدَّم المساعدة بطريقة أخرى. لست مضطرًا إلى ذكر السبب.`,
  withdrawComment: 'هل تريد أن تذكر السبب؟ (اختياري)',
  withdrawConfirm: 'نعم، أنهِ الالتزام',
  withdrawCancel: 'لا، سأستمر كما كان',

  declineTitle: 'هل تريد الاعتذار؟',
  declineBody: (responsible: string | null) =>
    `لا بأس أبدًا في الاعتذار. ستُبلَّغ ${who(responsible)} بذلك، وستنظّم المساعدة بطريقة أخرى. يمكنك أن تغيّر رأيك وتوافق ما دامت لم تُعِد التخطيط بعد.`,
  declineConfirm: 'نعم، أعتذر',
  declineCancel: 'لا، عودة',
  declinedHelp: (responsible: string | null) =>
    `هل غيّرت رأيك؟ يمكنك الموافقة ما دامت ${responsible ?? 'الجهة المسؤولة عن الخطة'} لم تُعِد التخطيط بعد.`,
  changeToAccept: 'غيّرت رأيي وأوافق',

  roleHeading: 'دورك بصفتك قريبًا',
  roleIntro: (responsible: string | null) =>
    `مشاركتك في الخطة بصفتك قريبًا أمر اختياري. إذا لم تعد ترغب في أن يكون لك دور في الخطة، يمكنك أن تقول ذلك هنا. ستتواصل معك ${who(responsible)} عندئذٍ لإعادة التخطيط. ما وافقت عليه يبقى ساريًا إلى أن تتحدثوا؛ وإذا أردت التوقف عن شيء فورًا، يمكنك إنهاؤه أعلاه.`,
  leaveButton: 'أريد التخلي عن دوري',
  leaveTitle: 'هل تريد التخلي عن دورك في الخطة؟',
  leaveBody: (responsible: string | null) =>
    `ستُبلَّغ ${who(responsible)} بذلك وستتواصل معك لإعادة التخطيط، حتى تُقدَّم المساعدة رغم ذلك. لست مضطرًا إلى ذكر السبب.`,
  leaveConfirm: 'نعم، أريد التخلي عن دوري',
  leaveCancel: 'لا، عودة',
  leaveAsked: (date: string) => `طلبت في ${date} التخلي عن دورك.`,
  leaveWaiting: (responsible: string | null) => `ستتواصل معك ${responsible ?? 'الجهة المسؤولة عن الخطة'}.`,

  phoneHours: 'أوقات الرد على الهاتف',
  someone: 'الشخص الذي تخصه الخطة',
  todo: {
    heading: 'ما عليك فعله',
    none: 'لا يوجد ما تحتاج إلى الرد عليه الآن.',
    answer: 'أجب عن:',
    reconfirm: (date: string) => `راجِع في موعد أقصاه ${date}:`,
    home: 'أجب عن السؤال بشأن منزلكما المشترك',
  },

  receipt: {
    title: 'إيصال بردّك',
    answer: 'ردّك',
    comment: 'تعليقك',
    at: 'تاريخ الحفظ',
    reference: 'الرقم المرجعي',
    told: 'أُبلغ بذلك',
    coordinator: (name: string) => `المنسق ${name}`,
    next: 'ماذا سيحدث الآن',
    keep: 'احتفظ بالإيصال. اذكر الرقم المرجعي إذا أردت أن تسأل عن ردّك.',
    print: 'اطبع الإيصال',
    answers: {
      accepted: 'وافقت على',
      declined: 'اعتذرت عن',
      withdrawn: 'أنهيت',
      reconfirmed: 'ستستمر في',
      'home-consent-yes': 'نعم، توافق على استخدام منزلكما المشترك لتقديم الرعاية الصحية والاجتماعية',
      'home-consent-no': 'لا، لا توافق على استخدام منزلكما المشترك لتقديم الرعاية الصحية والاجتماعية',
      'contact-consultant': 'طلبت أن يتواصل معك مستشار دعم الأقارب',
      'needs-assessment': 'طلبت تقييمًا لاحتياجاتك أنت',
      'leave-role': 'طلبت التخلي عن دورك في الخطة',
    },
    nextSteps: {
      accepted: 'الالتزام ساري الآن. يمكنك إنهاؤه متى شئت. قبل موعد المراجعة سيُطرح عليك السؤال إن كنت تريد الاستمرار.',
      declined: (r: string) => `ستنظّم ${r} المساعدة بطريقة أخرى. يمكنك أن تغيّر رأيك وتوافق ما دامت لم تُعِد التخطيط بعد.`,
      withdrawn: (r: string) => `ستعيد ${r} التخطيط حتى تُقدَّم المساعدة بطريقة أخرى. لا تحتاج إلى فعل أي شيء آخر.`,
      reconfirmed: 'ستستمر كما كان من قبل. سيُطرح عليك السؤال مرة أخرى قبل المراجعة القادمة.',
      'home-consent-yes': 'يحق للموظفين تقديم الرعاية الصحية والاجتماعية في منزلكما. يمكنك تغيير ردّك متى شئت.',
      'home-consent-no': (r: string) => `ستخطط ${r} لكيفية تقديم الرعاية دون استخدام منزلكما. يمكنك تغيير ردّك متى شئت.`,
      'contact-consultant': 'سيتواصل معك مستشار دعم الأقارب.',
      'needs-assessment': 'ستتواصل معك البلدية لتقييم الدعم الذي تحتاج إليه.',
      'leave-role': (r: string) => `ستتواصل معك ${r} لإعادة التخطيط. ما وافقت عليه يبقى ساريًا إلى أن تتحدثوا.`,
    },
    responsible: 'الجهة المسؤولة عن الخطة',
  },
  errorReference: (id: string) => `اذكر الرقم المرجعي ${id} إذا تواصلت معنا.`,
  help: 'هل تحتاج إلى مساعدة؟ اتصل بالرقم',

  child: {
    heading: 'ماذا يحدث؟',
    what: (who: string) =>
      `تساعد البلدية والمنطقة ${who}. كتب الكبار خطة معًا حتى تنجح المساعدة. لا تحتاج إلى فعل أي شيء.`,
    feelings: 'من الطبيعي أن تشعر بالقلق أو الحزن عندما يحتاج أحد أفراد العائلة إلى المساعدة. يمكنك أن تتحدث مع أحد عن ذلك.',
    talkHeading: 'مع من يمكنك أن تتحدث؟',
    counsellor: 'المرشد الاجتماعي في مدرستك',
    bris: 'BRIS، لمن هم دون 18 عامًا. اتصل أو تحدّث كتابةً:',
    umo: 'UMO، لمن أعمارهم بين 13 و25 عامًا:',
    coordinator: (name: string) => `${name}، منسق الخطة`,
  },

  homeIntro: (who: string) =>
    `أنت تسكن مع ${who}. عندما تُقدَّم الرعاية الصحية والاجتماعية في المنزل، يصبح منزلكما المشترك مكان عمل للموظفين. وهذا يتطلب موافقتك.`,
  homeMeans: [
    'نعم تعني أن الموظفين يأتون إلى منزلكما، مثلًا للمساعدة في الطعام أو النظافة الشخصية أو الأدوية. وقد يحتاجون إلى تجهيز وسيلة مساعدة، مثل سرير.',
    'لا تعني أن الموظفين لا يعملون في منزلكما. وتُخطَّط الرعاية عندئذٍ بطريقة أخرى، وتتحدث معكما الجهة المسؤولة عن الخطة عن كيفية ذلك.',
    'يمكنك تغيير ردّك متى شئت، هنا أو عن طريق المنسق.',
  ],
  sharedUntil: (date: string, who: string) => `وافق ${who} على أن تطّلع على هذا حتى ${date}.`,
  sharedOpen: (who: string) => `وافق ${who} على أن تطّلع على هذا.`,
  nothingShared: (who: string) => `لا يشاركك ${who} أي شيء من الخطة حاليًا. لا ترى إلا ما يخصك أنت.`,
  consentWithdrawn: (who: string) =>
    `سحب ${who} موافقته على الخطة. يبقى الجزء الخاص بك كما هو: التزاماتك وردودك، والمعلومات التي تصلك، والدعم المقدَّم لك.`,
  individualGoals: (who: string) => `هذا هو الأهم بالنسبة إلى ${who}`,

  saved: (time: string) => `تم الحفظ ${time}.`,
  notSaved: 'لم يتم الحفظ.',
  unknown: 'لا نعرف إن كان ردك قد حُفظ.',
  outcomeHelp: {
    network: 'لم نستطع الاتصال بالخدمة. تحقق من اتصالك بالإنترنت ثم حاول مرة أخرى.',
    session: 'انتهت صلاحية تسجيل دخولك. سجّل الدخول مرة أخرى ثم اضغط على «حاول مرة أخرى».',
    server: 'حدث خطأ في الخدمة. حاول مرة أخرى بعد قليل.',
    unknown: 'لم تستجب الخدمة في الوقت المحدد. حاول مرة أخرى – إذا كان ردك قد حُفظ من قبل، فلن يُحفظ مرة ثانية.',
    conflict: 'تغيّر شيء ما منذ أن فتحت الخطة، من قِبل الموظفين مثلًا. حمّلنا لك أحدث نسخة.',
    validation: 'تعذّر حفظ ما كتبته. صحّح الخطأ ثم حاول مرة أخرى.',
  },
  retrySafe: 'يمكنك المحاولة مرة أخرى بأمان: يُحفظ ردك مرة واحدة فقط.',
  announce: {
    accepted: (what: string) => `تم الحفظ. لقد وافقت على: ${what}.`,
    declined: (what: string) => `تم الحفظ. لقد اعتذرت عن: ${what}.`,
    withdrawn: (what: string) => `تم الحفظ. لقد أنهيت: ${what}.`,
    reconfirmed: (what: string) => `تم الحفظ. ستستمر في: ${what}.`,
    homeConsent: 'تم الحفظ. سُجّل ردك بشأن المنزل.',
    request: 'تم الحفظ. أُرسل طلبك.',
    notSaved: 'لم يتم الحفظ.',
    unknown: 'لا نعرف إن كان ردك قد حُفظ.',
    planOpened: (title: string) => `فُتحت ${title}.`,
  },

  homeHeading: 'منزلكما المشترك',
  homeQuestion: 'هل توافق على استخدام منزلكما المشترك لتقديم الرعاية الصحية والاجتماعية؟',
  homeYes: 'نعم، أوافق',
  homeNo: 'لا، لا أوافق',
  homeSave: 'احفظ ردي',
  homeCurrentYes: (date: string) => `وافقت في ${date}.`,
  homeCurrentNo: (date: string) => `لم توافق في ${date}.`,
  homeNotAnswered: 'لم تُجب بعد.',
  homeChoose: 'اختر نعم أو لا',
  homeHistory: 'ردودك بشأن المنزل',
  homeHistoryYes: 'نعم',
  homeHistoryNo: 'لا',

  supportHeading: 'الدعم المقدَّم لك بصفتك قريبًا',
  supportIntro: 'على البلدية أن تقدّم الدعم لك أنت الذي تساعد شخصًا قريبًا منك.',
  supportOffered: 'الدعم الذي عُرض عليك',
  supportOffers: {
    conversation: 'جلسات حوار داعمة',
    respite: 'رعاية بديلة مؤقتة، لتحصل على وقت لنفسك',
    groups: 'لقاءات مع أقارب آخرين',
    training: 'دورات تدريبية للأقارب',
  },
  supportNoneOffered: 'لم يُعرض عليك أي دعم بعد.',
  myRequests: 'ما طلبته',
  requestKinds: {
    'contact-consultant': 'أن يتواصل معك مستشار دعم الأقارب',
    'needs-assessment': 'تقييم لاحتياجاتك أنت',
  },
  requestAsked: (date: string) => `طلبت ذلك في ${date}.`,
  requestHandled: (date: string) => `أُنجز في ${date}.`,
  requestOpen: 'لم يُنجز بعد.',
  requestButtons: {
    'contact-consultant': 'اطلب أن يتواصل معي مستشار دعم الأقارب',
    'needs-assessment': 'اطلب تقييمًا لاحتياجاتي',
  },
  requestNote: 'هل تريد أن تضيف شيئًا؟ (اختياري)',

  sharedHeading: 'ما يمكنك الاطلاع عليه من الخطة',
  goals: 'الأهداف',
  professionalGoals: (organisation: string) => `أهداف ${organisation}`,
  interventionStatus: {
    planned: 'مخطط له',
    decided: 'تقرّر',
  },
  contacts: 'جهات الاتصال',
  needs: 'الاحتياجات',

  informationHeading: 'معلومات لك',
  informationNone: 'لم تُخطَّط لك أي معلومات بعد.',
  informationHow: (how: string, howOften: string) => `${how}، ${howOften}`,
  informedHeading: 'متى حصلت على المعلومات',
  informedBy: (name: string) => `من ${name}`,

  commentTooLong: (max: number, length: number) =>
    `يجب ألا يتجاوز التعليق ${group(max)} حرف. عدد أحرفه الآن ${group(length)}.`,
  commentControl: 'يحتوي التعليق على رموز لا يمكن حفظها. احذفها ثم حاول مرة أخرى.',
  commentRejected: 'تعذّر حفظ التعليق. تحقق من طوله ومن الرموز المكتوبة فيه.',
};

export default ar;
