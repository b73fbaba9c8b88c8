/** العربية (Arabic), written right to left. */
import type { Messages } from '../i18n.ts';
import { common } from '../../lang/common/ar.ts';

type Forms = Record<'one' | 'two' | 'few' | 'many' | 'other', string>;
const rules = new Intl.PluralRules('ar');

/**
 * A number of things, with Arabic's forms: one and two said by the noun alone, three to ten with
 * the plural, eleven to ninety-nine with the singular accusative, and the rest with the singular.
 */
function counted(n: number, forms: Forms): string {
  const form = rules.select(n);
  if (form === 'one' || form === 'two') return forms[form];
  return `${n} ${forms[form === 'few' || form === 'many' ? form : 'other']}`;
}

const ar: Messages = {
  // The texts both citizen elements show alike (`lang/common/<tag>.ts`).
  ...common,
  loadingPlan: 'جارٍ تحميل خطتك …',

  noPlans: 'ليست لديك حاليًا خطة فردية منسقة (SIP).',
  plansCount: (n: number) =>
    `لديك ${counted(n, {
      one: 'خطة فردية منسقة واحدة',
      two: 'خطتان فرديتان منسقتان',
      few: 'خطط فردية منسقة',
      many: 'خطة فردية منسقة',
      other: 'خطة فردية منسقة',
    })} (SIP).`,
  planStatus: {
    draft: 'مسودة، الخطة لم تكتمل بعد',
    active: 'سارية',
    followed_up: 'تمت متابعتها',
    consent_withdrawn: 'متوقفة منذ سحب الموافقة',
    closed: 'منتهية',
  },
  sipMeans:
    'SIP تعني خطة فردية منسقة (بالسويدية samordnad individuell plan). إنها خطتك، تكتب فيها البلدية والمنطقة معك ما يجب القيام به ومن يقوم به.',
  noProxy:
    'أنت وحدك من يستطيع تغيير موافقتك وما كتبته هنا. لا يستطيع أي قريب أن يفعل ذلك نيابةً عنك في هذه الخدمة، حتى لو سمحت له بالاطلاع على الخطة.',

  ownHeading: 'هذا مهم بالنسبة لي',
  ownIntro: 'هنا تكتب بكلماتك الخاصة ما هو مهم بالنسبة لك وما تقوم به بنفسك. يرى الموظفون ذلك في الخطة.',
  ownGoals: 'هذا مهم بالنسبة لي',
  ownActions: 'هذا ما أقوم به بنفسي',
  ownHint: 'اكتب أمرًا واحدًا في كل سطر.',
  ownSave: 'احفظ ما كتبته',
  ownTooLong: (max: number) =>
    `يجب ألا يزيد طول السطر الواحد على ${counted(max, { one: 'حرف واحد', two: 'حرفين', few: 'أحرف', many: 'حرفًا', other: 'حرف' })}. اختصر السطر الطويل.`,
  ownTooMany: (max: number) =>
    `يمكنك أن تكتب ${counted(max, { one: 'سطرًا واحدًا', two: 'سطرين', few: 'أسطر', many: 'سطرًا', other: 'سطر' })} على الأكثر. احذف بعض الأسطر.`,
  ownControl: 'يحتوي النص على رموز لا يمكن حفظها. احذفها ثم حاول مرة أخرى.',
  ownConflictTitle: 'تغيّرت الخطة أثناء كتابتك',
  ownConflict:
    'حفظ شخص آخر نسخة جديدة من الخطة. هذا ما تقوله الخطة الآن. ما كتبته لا يزال في الخانات ولم يُحفظ. احفظ مرة أخرى إذا أردت أن يسري ما كتبته.',
  ownNow: 'في الخطة الآن',

  coordinator: 'منسقك',
  contacts: 'الأشخاص المسؤولون عن التواصل معك',

  planHeading: 'خطتك',
  needs: 'ما تحتاج إلى المساعدة فيه',
  goalsOf: (organisation: string) => `أهداف كتبتها ${organisation}`,
  partOf: (organisation: string) => `ما تقوم به ${organisation}`,
  interventionStatus: { planned: 'مخطط له', decided: 'تقرر' },
  othersDo: 'ما يقوم به الآخرون',

  consentHeading: 'موافقتك على الخطة',
  consentIntro:
    'لا يحق للبلدية والمنطقة تبادل المعلومات عنك إلا إذا وافقت على ذلك. أنت من يقرر ما يجوز لهما تبادله. يمكنك تغيير موافقتك أو سحبها متى شئت، ويسري ذلك فورًا.',
  consentState: {
    none: 'لم تُعطِ موافقتك بعد.',
    refused: 'لقد رفضت تبادل المعلومات.',
    'in-force': 'لقد وافقت على تبادل المعلومات.',
    expired: 'انتهت صلاحية موافقتك. لا يتم تبادل أي شيء الآن.',
    withdrawn: 'لقد سحبت موافقتك. لا يتم تبادل أي شيء الآن.',
  },
  consentWhat: 'ما يجوز تبادله',
  consentWho: 'بين',
  consentUntil: 'سارية حتى',
  consentUntilOpen: 'إلى أن تقرر غير ذلك',
  consentExcluded: 'ما لا يجوز تبادله',
  consentGivenOn: (date: string) => `آخر تغيير في ${date}.`,
  consentFormLegend: 'ما الذي يجوز للبلدية والمنطقة تبادله فيما بينهما؟',
  consentFormHint: 'ضع علامة على ما يجوز تبادله. ما لا تضع عليه علامة يبقى لدى الجهة التي كتبته.',
  untilLabel: 'اليوم الأخير (اختياري)',
  untilHint: 'اكتب التاريخ بصيغة السنة-الشهر-اليوم، مثلًا 2027-06-30. اتركه فارغًا إذا أردت أن تبقى الموافقة سارية إلى أن تغيّرها.',
  untilInvalid: 'اكتب تاريخًا لم يمضِ بعد بصيغة السنة-الشهر-اليوم، مثلًا 2027-06-30.',
  chooseOne: 'ضع علامة على أمر واحد على الأقل. إذا كنت لا تريد تبادل أي شيء، فاسحب موافقتك بدلًا من ذلك.',
  consentGive: 'نعم، أوافق',
  consentSave: 'احفظ التغيير',
  consentWithdraw: 'اسحب موافقتي',
  childConsent:
    'عمرك أقل من 18 سنة. لقد وافق أولياء أمرك على الخطة. يمكنك أن تسحب الموافقة بنفسك، لكن لا يمكنك أن تعطي موافقة جديدة. تحدّث مع منسقك إذا أردت تغيير شيء.',
  childNoConsent: 'عمرك أقل من 18 سنة. لذلك فإن أولياء أمرك هم من يوافقون على الخطة. تحدّث مع منسقك إذا كان لديك أي سؤال.',
  category: {
    goals: 'الأهداف',
    needs: 'الاحتياجات',
    interventions: 'التدخلات من البلدية والمنطقة معًا',
    'health-interventions': 'الرعاية الصحية من المنطقة',
    'social-interventions': 'الدعم والرعاية من البلدية',
    contacts: 'جهات الاتصال',
    meetings: 'الاجتماعات',
    'follow-up': 'المتابعة',
  },

  relativesHeading: 'ما يمكن لأقاربك رؤيته',
  relativesIntro: 'أنت من يقرر ما يمكن لكل قريب أن يراه من الخطة. يسري التغيير فورًا، في المرة القادمة التي يطّلعون فيها على الخطة.',
  noRelatives: 'لا يوجد أقارب في الخطة.',
  relativeOf: (name: string, relationship: string) => `${name} (${relationship})`,
  sharesNothing: (name: string) => `لا يمكن لـ ${name} رؤية أي شيء من الخطة.`,
  sharesUntil: (date: string) => `حتى ${date}، ضمنًا.`,
  sharesOpen: 'إلى أن تغيّر ذلك.',
  sharingLegend: (name: string) => `ما الذي يمكن لـ ${name} رؤيته؟`,
  sharingSave: (name: string) => `احفظ ما يمكن لـ ${name} رؤيته`,
  seesNow: (name: string) => `ما يراه ${name} الآن`,
  sharingNeedsConsent: 'ما اخترته يسري من جديد عندما توافق على الخطة.',
  sharingAfterConsent: 'يمكنك اختيار ما يراه أقاربك بعد أن توافق على الخطة من جديد.',
  sharingStop: (name: string) => `أوقف المشاركة مع ${name}`,

  withdrawConsentTitle: 'هل تريد سحب موافقتك؟',
  withdrawConsentBody:
    'عندها لن يحق للبلدية والمنطقة تبادل المعلومات عنك، ولن يرى أقاربك الخطة. ستتوقف الخطة مؤقتًا. سيُبلَّغ منسقك بذلك. يمكنك أن توافق من جديد لاحقًا.',
  withdrawConsentConfirm: 'نعم، اسحب الموافقة',
  stopSharingTitle: (name: string) => `هل تريد إيقاف مشاركة الخطة مع ${name}؟`,
  stopSharingBody: (name: string) => `لن يرى ${name} أي شيء من الخطة ابتداءً من الآن. يمكنك المشاركة من جديد لاحقًا.`,
  stopSharingConfirm: 'نعم، أوقف المشاركة',
  cancel: 'لا، اتركه كما هو',

  receiptTitle: 'تم. هذا ما قمت به',
  receiptPlan: 'الخطة',
  receiptWhat: 'ماذا',
  receiptWhen: 'متى',
  receiptReference: 'الرقم المرجعي',
  receiptNext: 'ماذا يحدث الآن',
  receipt: {
    consentGiven: 'وافقت على تبادل المعلومات كما حددت بالعلامات.',
    consentChanged: 'غيّرت ما يجوز تبادله.',
    consentWithdrawn: 'سحبت موافقتك.',
    sharingChanged: (name: string) => `غيّرت ما يمكن لـ ${name} رؤيته.`,
    sharingStopped: (name: string) => `أوقفت مشاركة الخطة مع ${name}.`,
    ownSaved: 'حفظت ما كتبته.',
  },
  next: {
    consent: 'يسري ذلك ابتداءً من الآن. يرى منسقك التغيير في الخطة.',
    consentPaused: 'يسري ذلك ابتداءً من الآن. الخطة متوقفة مؤقتًا إلى أن يعيد منسقك تشغيلها.',
    consentWithdrawn: 'يسري ذلك ابتداءً من الآن. الخطة متوقفة مؤقتًا، وسيُبلَّغ منسقك بذلك ويتواصل معك.',
    sharing: (name: string) => `يسري ذلك ابتداءً من الآن. في المرة القادمة التي يطّلع فيها ${name} على الخطة، لن يظهر إلا ما اخترته.`,
    own: 'يرى الموظفون ما كتبته في الخطة.',
  },
  print: 'اطبع الإيصال',
  notSaved: 'لم يتم الحفظ',
  unknown: 'لا نعرف إن كان قد تم الحفظ',
  outcomeHelp: {
    network: 'لم نتمكن من الاتصال بالخدمة.',
    session: 'انتهت صلاحية تسجيل دخولك.',
    server: 'حدث خطأ في الخدمة.',
    conflict: 'تغيّرت الخطة منذ أن فتحتها. حمّلنا لك أحدث نسخة. اطّلع عليها ثم حاول مرة أخرى.',
    validation: 'لم تقبل الخدمة ما أرسلته.',
    unknown: 'لم تردّ الخدمة في الوقت المحدد. ربما تم الحفظ رغم ذلك.',
  },
  retrySafe: 'يمكنك المحاولة مرة أخرى. لن يُحفظ مرتين.',

  logHeading: 'من اطّلع على خطتي',
  logIntro:
    'يحق لك بموجب القانون أن تعرف من اطّلع على المعلومات الخاصة بك أو غيّرها. هنا ترى الجهة والدور الوظيفي، ومتى حدث ذلك وماذا حدث.',
  logShow: 'اعرض من اطّلع على خطتي',
  logRefresh: 'حمّل القائمة من جديد',
  logLoading: 'جارٍ تحميل القائمة …',
  logEmpty: 'لم يطّلع أحد على الخطة ولم يغيّرها بعد.',
  logCount: (shown: number, total: number) => {
    const times = (n: number) => counted(n, { one: 'مرة واحدة', two: 'مرتان', few: 'مرات', many: 'مرة', other: 'مرة' });
    return shown === total ? `${times(total)}.` : `آخر ${shown} من أصل ${total}.`;
  },
  logRole: {
    staff: 'موظفون',
    auditor: 'المسؤول عن مراقبة من يطّلع على المعلومات',
    relative: 'قريب',
    me: 'أنت بنفسك',
    service: 'الخدمة نفسها',
  },
  logWhoText: (organisation: string, role: string) => `${organisation} (${role})`,
  logRelative: (name: string) => `${name} (قريب)`,
  logSomeRelative: 'أحد الأقارب',
  // The what as a verbal noun, after the who: "المنطقة (موظفون): قراءة الخطة."
  logLine: (who: string, what: string) => `${who}: ${what}.`,
  logWhat: {
    plan: { read: 'قراءة الخطة', change: 'تغيير الخطة' },
    'plan-list': { read: 'الاطلاع على وجود الخطة', change: 'تغيير قائمة الخطط' },
    history: { read: 'قراءة نسخ سابقة من الخطة', change: 'تغيير نسخ سابقة من الخطة' },
    'live-changes': { read: 'متابعة التغييرات في الخطة أثناء فتحها', change: 'تغيير الخطة' },
    relatives: { read: 'قراءة ما يخص الأقارب', change: 'تغيير ما يخص الأقارب' },
    consent: { read: 'قراءة الموافقة', change: 'تغيير الموافقة' },
    'plan-change': { read: 'قراءة تغيير في الخطة', change: 'تغيير الخطة' },
    'access-log': { read: 'قراءة قائمة من اطّلع على الخطة', change: 'تغيير قائمة من اطّلع على الخطة' },
    'work-list': { read: 'قراءة قائمة عمل تتضمن الخطة', change: 'إضافة مهمة تخص الخطة إلى قائمة عمل' },
  },
  logUnknownOrganisation: 'جهة ما',

  announce: {
    planOpened: (title: string) => `${title} مفتوحة.`,
    saved: 'تم الحفظ.',
    notSaved: 'لم يتم الحفظ.',
    unknown: 'لا نعرف إن كان قد تم الحفظ.',
    conflict: 'تغيّرت الخطة. ما كتبته لا يزال موجودًا.',
    logLoaded: (n: number) => `${counted(n, { one: 'سطر واحد', two: 'سطران', few: 'أسطر', many: 'سطرًا', other: 'سطر' })} في القائمة.`,
  },
};

export default ar;
