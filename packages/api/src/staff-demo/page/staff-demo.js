// The two-pane demo: each pane is a "system" on its own origin. The broker answers on both
// localhost and 127.0.0.1, which a browser treats as two origins; the panes call the API on
// the origin this page was opened on, across origins, as a real host system would.
const here = new URL(location.href);
const other = new URL(location.href);
other.hostname = here.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
const lang = here.searchParams.get('lang') === 'en' ? 'en' : 'sv';

function paneUrl(origin, side) {
  const url = new URL('/demo/staff/system', origin);
  url.searchParams.set('side', side);
  url.searchParams.set('api', here.origin);
  url.searchParams.set('lang', lang);
  return url.href;
}

document.getElementById('region').src = paneUrl(here.origin, 'region');
document.getElementById('municipality').src = paneUrl(other.origin, 'municipality');
document.getElementById('english').addEventListener('click', (event) => {
  event.preventDefault();
  here.searchParams.set('lang', 'en');
  location.assign(here.href);
});
if (lang === 'en') document.documentElement.lang = 'en';
