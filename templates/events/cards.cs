<?cs # One card per event (Events.*), shared by the listing and search results. ?>
<ol class="event-list">
<?cs each:ev = Events ?>
  <li class="event-card" data-event-id="<?cs var:ev.Id ?>">
    <h2 class="event-name"><a href="/events/<?cs var:ev.Id ?>"><?cs if:subcount(ev.NameParts) > 0 ?><?cs each:part = ev.NameParts ?><?cs if:part.Mark ?><mark><?cs var:part.Text ?></mark><?cs else ?><?cs var:part.Text ?><?cs /if ?><?cs /each ?><?cs else ?><?cs var:ev.Name ?><?cs /if ?></a></h2>
    <p class="event-when"><time datetime="<?cs var:ev.Date ?>"><?cs var:ev.Day ?>, <?cs var:ev.Time ?></time> <span class="zone"><?cs var:ev.Zone ?></span></p>
    <p class="event-where"><?cs var:ev.Venue ?>, <?cs var:ev.City ?></p>
    <p class="event-category"><?cs var:ev.Category ?></p>
    <?cs if:subcount(ev.Performers) > 0 ?>
    <p class="event-performers"><?cs each:p = ev.Performers ?><?cs if:!first(p) ?>, <?cs /if ?><?cs var:p ?><?cs /each ?></p>
    <?cs /if ?>
    <?cs if:subcount(ev.SnippetParts) > 0 ?>
    <p class="event-snippet"><?cs each:part = ev.SnippetParts ?><?cs if:part.Mark ?><mark><?cs var:part.Text ?></mark><?cs else ?><?cs var:part.Text ?><?cs /if ?><?cs /each ?></p>
    <?cs /if ?>
    <?cs if:?ev.FromPrice ?><p class="event-price">from <?cs var:ev.FromPrice ?></p><?cs /if ?>
  </li>
<?cs /each ?>
</ol>
