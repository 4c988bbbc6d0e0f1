<?cs # Upcoming events: filters, category and city navigation, one card per event, pages. ?>
<?cs def:page_body() ?>
<h1>Upcoming events</h1>
<nav class="chips" aria-label="Categories">
  <a href="/events"<?cs if:!Filters.Category ?> aria-current="page"<?cs /if ?>>All</a>
  <?cs each:c = Categories ?><a href="/events?category=<?cs var:c.Slug ?>"<?cs if:c.Slug == Filters.Category ?> aria-current="page"<?cs /if ?>><?cs var:c.Name ?></a><?cs /each ?>
</nav>
<?cs include:"events/filters.cs" ?>
<?cs if:!Filters.Error ?>
<?cs if:Page.Count == 0 && Page.Total > 0 ?>
<p class="empty">Page <?cs var:Page.Number ?> is past the end: there are <?cs var:Page.Total ?> matching events. <a href="/events<?cs if:Filters.Query ?>?<?cs var:Filters.Query ?><?cs /if ?>">Go to the first page</a>.</p>
<?cs elif:Page.Count == 0 ?>
<p class="empty">No events match<?cs if:Filters.Active ?> these filters. <a href="/events">Show all upcoming events</a>.<?cs else ?> right now. Please check back soon.<?cs /if ?></p>
<?cs else ?>
<p class="muted"><?cs var:Page.Total ?> event<?cs if:Page.Total != 1 ?>s<?cs /if ?></p>
<?cs include:"events/cards.cs" ?>
<nav class="pagination" aria-label="Pages">
  <?cs if:?Page.Prev ?><a rel="prev" href="/events?<?cs if:Filters.Query ?><?cs var:Filters.Query ?>&amp;<?cs /if ?>page=<?cs var:Page.Prev ?>">Previous</a><?cs /if ?>
  <span>Page <?cs var:Page.Number ?></span>
  <?cs if:?Page.Next ?><a rel="next" href="/events?<?cs if:Filters.Query ?><?cs var:Filters.Query ?>&amp;<?cs /if ?>page=<?cs var:Page.Next ?>">Next</a><?cs /if ?>
</nav>
<?cs /if ?>
<?cs /if ?>
<nav class="cities" aria-label="Cities">
  <h2>Cities</h2>
  <?cs each:city = Cities ?><a href="/events?location=<?cs var:url_escape(city.Name) ?>"><?cs var:city.Name ?></a> <?cs /each ?>
</nav>
<?cs /def ?>
