<?cs # Upcoming events: one card per event, with pagination. ?>
<?cs def:page_body() ?>
<h1>Upcoming events</h1>
<?cs if:Page.Count == 0 ?>
<p class="empty">No upcoming events right now. Please check back soon.</p>
<?cs else ?>
<p class="muted"><?cs var:Page.Total ?> events</p>
<ol class="event-list">
<?cs each:ev = Events ?>
  <li class="event-card" data-event-id="<?cs var:ev.Id ?>">
    <h2 class="event-name"><a href="/events/<?cs var:ev.Id ?>"><?cs var:ev.Name ?></a></h2>
    <p class="event-when"><time datetime="<?cs var:ev.Date ?>"><?cs var:ev.Date ?></time></p>
    <p class="event-where"><?cs var:ev.Venue ?>, <?cs var:ev.City ?></p>
    <p class="event-category"><?cs var:ev.Category ?></p>
    <?cs if:subcount(ev.Performers) > 0 ?>
    <p class="event-performers"><?cs each:p = ev.Performers ?><?cs if:!first(p) ?>, <?cs /if ?><?cs var:p ?><?cs /each ?></p>
    <?cs /if ?>
    <?cs if:?ev.FromPrice ?><p class="event-price">from <?cs var:ev.FromPrice ?></p><?cs /if ?>
  </li>
<?cs /each ?>
</ol>
<nav class="pagination" aria-label="Pages">
  <?cs if:?Page.Prev ?><a rel="prev" href="/events?page=<?cs var:Page.Prev ?>">Previous</a><?cs /if ?>
  <span>Page <?cs var:Page.Number ?></span>
  <?cs if:?Page.Next ?><a rel="next" href="/events?page=<?cs var:Page.Next ?>">Next</a><?cs /if ?>
</nav>
<?cs /if ?>
<?cs /def ?>
