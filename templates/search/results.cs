<?cs # Search results: the query, the browse filters (posting back to /search with the query),
       one card per event with the matched words highlighted (events/cards.cs), pages.
       Search.Prompt: no query yet. Every value goes through var: (HTML-escaped). ?>
<?cs def:page_body() ?>
<?cs if:Search.Prompt ?>
<h1>Search events</h1>
<form class="search-prompt" role="search" method="get" action="/search">
  <label for="search-query">Type an artist, event, venue or city</label>
  <input id="search-query" type="search" name="query" maxlength="1000" required>
  <button type="submit">Search</button>
</form>
<p class="muted">Or browse all upcoming events with the filters below.</p>
<?cs include:"events/filters.cs" ?>
<?cs else ?>
<h1>Results for “<?cs var:Search.Query ?>”</h1>
<?cs include:"events/filters.cs" ?>
<?cs if:!Filters.Error ?>
<?cs if:Page.Count > 0 ?>
<p class="muted"><?cs var:Page.Total ?> event<?cs if:Page.Total != 1 ?>s<?cs /if ?></p>
<?cs include:"events/cards.cs" ?>
<nav class="pagination" aria-label="Pages">
  <?cs if:?Page.Prev ?><a rel="prev" href="/search?<?cs var:Search.Link ?>&amp;page=<?cs var:Page.Prev ?>">Previous</a><?cs /if ?>
  <span>Page <?cs var:Page.Number ?></span>
  <?cs if:?Page.Next ?><a rel="next" href="/search?<?cs var:Search.Link ?>&amp;page=<?cs var:Page.Next ?>">Next</a><?cs /if ?>
</nav>
<?cs elif:Page.Total > 0 ?>
<p class="empty">There are only <?cs var:Page.Total ?> results for “<?cs var:Search.Query ?>”. <a href="/search?<?cs var:Search.Link ?>">Go to the first page</a>.</p>
<?cs else ?>
<p class="empty">No events match “<?cs var:Search.Query ?>”<?cs if:Filters.Active ?> with these filters<?cs /if ?>.
<?cs if:Filters.Active ?><a href="/search?query=<?cs var:url_escape(Search.Query) ?>">Search without filters</a> or <?cs /if ?><a href="/events">browse all upcoming events</a>.</p>
<?cs /if ?>
<?cs /if ?>
<?cs /if ?>
<?cs /def ?>
