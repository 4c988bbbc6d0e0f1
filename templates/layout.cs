<?cs # The site layout. Every page template defines page_body(); this calls it.
       Config.VarEscapeMode = html escapes every var: below; alt:, lvar: and evar: are
       NOT escaped in ClearSilver 0.10.5, so never use them with data. ?><!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?cs if:Page.Title ?><?cs var:Page.Title ?><?cs else ?>Tickets<?cs /if ?> · <?cs var:Site.Name ?></title>
<?cs if:Page.Refresh ?><meta http-equiv="refresh" content="<?cs var:Page.Refresh ?>">
<?cs /if ?><link rel="stylesheet" href="/static/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <a class="brand" href="/"><?cs var:Site.Name ?></a>
  <nav aria-label="Main">
    <a href="/events"<?cs if:Request.Path == "/events" ?> aria-current="page"<?cs /if ?>>Events</a>
  </nav>
  <nav class="account-nav" aria-label="Account">
  <?cs if:User.Email ?>
    <a href="/account/bookings"<?cs if:Request.Path == "/account/bookings" ?> aria-current="page"<?cs /if ?>>My bookings</a>
    <?cs if:User.Role == "organizer" || User.Role == "admin" ?><a href="/admin">Organizer</a><?cs /if ?>
    <a href="/account" title="Signed in as <?cs var:User.Email ?>">Account</a>
    <form class="signout" method="post" action="/account/signout">
      <input type="hidden" name="csrf_token" value="<?cs var:CSRF.Token ?>">
      <button type="submit" class="link">Sign out</button>
    </form>
  <?cs else ?>
    <a href="/account/signin">Sign in</a>
  <?cs /if ?>
  </nav>
  <form class="site-search" role="search" method="get" action="/search">
    <label for="site-search-query" class="visually-hidden">Search events</label>
    <input id="site-search-query" type="search" name="query" maxlength="1000"
           placeholder="Artist, event, venue or city" value="<?cs var:Search.Query ?>">
    <button type="submit">Search</button>
  </form>
</header>
<main id="main">
<?cs call:page_body() ?>
</main>
<footer class="site-footer">
  <p><?cs var:Site.Name ?> · tickets for concerts, sports, theatre, comedy and family events</p>
</footer>
</body>
</html>
