<?cs # The browse filter form (GET, no JavaScript needed), shared by /events and /search.
       Filters.* hold the current values; a rejected form comes back with what was typed. ?>
<form class="filters" method="get" action="<?cs if:Search.Active ?>/search<?cs else ?>/events<?cs /if ?>">
  <?cs if:Search.Active ?><input type="hidden" name="query" value="<?cs var:Search.Query ?>"><?cs /if ?>
  <div class="field">
    <label for="f-category">Category</label>
    <select id="f-category" name="category">
      <option value="">All categories</option>
      <?cs each:c = Categories ?>
      <option value="<?cs var:c.Slug ?>"<?cs if:c.Slug == Filters.Category ?> selected<?cs /if ?>><?cs var:c.Name ?></option>
      <?cs /each ?>
    </select>
  </div>
  <div class="field">
    <label for="f-start">From</label>
    <input id="f-start" type="date" name="startDate" value="<?cs var:Filters.StartDate ?>">
  </div>
  <div class="field">
    <label for="f-end">To</label>
    <input id="f-end" type="date" name="endDate" value="<?cs var:Filters.EndDate ?>">
  </div>
  <div class="field">
    <label for="f-location">City or venue</label>
    <input id="f-location" type="text" name="location" maxlength="100" list="f-cities" value="<?cs var:Filters.Location ?>">
    <datalist id="f-cities"><?cs each:city = Cities ?><option value="<?cs var:city.Name ?>"><?cs /each ?></datalist>
  </div>
  <div class="field">
    <label for="f-sort">Sort by</label>
    <select id="f-sort" name="sort">
      <?cs if:Search.Active ?><option value="relevance"<?cs if:Filters.Sort == "relevance" ?> selected<?cs /if ?>>Best match</option><?cs /if ?>
      <option value="date"<?cs if:Filters.Sort == "date" ?> selected<?cs /if ?>>Date</option>
      <option value="popularity"<?cs if:Filters.Sort == "popularity" ?> selected<?cs /if ?>>Popularity</option>
    </select>
  </div>
  <?cs if:Filters.Venue ?><input type="hidden" name="venue" value="<?cs var:Filters.Venue ?>"><?cs /if ?>
  <div class="actions">
    <button type="submit">Show events</button>
    <a href="<?cs if:Search.Active ?>/search?query=<?cs var:url_escape(Search.Query) ?><?cs else ?>/events<?cs /if ?>">Clear filters</a>
  </div>
</form>
<?cs if:Filters.Error ?><p class="form-error" role="alert"><?cs var:Filters.Error ?></p><?cs /if ?>
