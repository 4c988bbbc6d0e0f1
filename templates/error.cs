<?cs # The one error page: status title and a message meant for the user, nothing internal. ?>
<?cs def:page_body() ?>
<section class="error-page">
  <h1><?cs var:Error.Title ?></h1>
  <p class="error-message"><?cs var:Error.Message ?></p>
  <p><a href="/events">Browse upcoming events</a></p>
  <?cs if:Error.Status >= 500 ?><p class="muted">Reference: <?cs var:Request.Id ?></p><?cs /if ?>
</section>
<?cs /def ?>
