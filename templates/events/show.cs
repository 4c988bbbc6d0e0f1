<?cs # One event: what, when (venue-local time with its zone), where, who, prices and
       availability, and the seat map with its seat picker (events/seatmap.cs). The page is one
       shared cached copy for every shopper: nothing on it may depend on who is asking. ?>
<?cs include:"events/seatmap.cs" ?>
<?cs def:page_body() ?>
<article class="event-detail" data-event-id="<?cs var:Event.Id ?>">
<header class="event-header">
  <p class="event-category"><a href="/events?category=<?cs escape:"url" ?><?cs var:Event.CategorySlug ?><?cs /escape ?>"><?cs var:Event.Category ?></a></p>
  <h1><?cs var:Event.Name ?></h1>
  <p class="event-when"><time datetime="<?cs var:Event.Iso ?>"><?cs var:Event.Date ?>, <?cs var:Event.Time ?></time> <span class="event-zone">local time, <?cs var:Event.Zone ?></span></p>
</header>
<?cs if:Event.Cancelled ?>
<p class="event-notice" role="status">This event has been cancelled. Tickets are no longer on sale.</p>
<?cs elif:Event.Started ?>
<p class="event-notice" role="status">This event has already started. Tickets are no longer on sale.</p>
<?cs /if ?>
<dl class="event-facts">
  <dt>Venue</dt>
  <dd class="event-venue"><?cs var:Event.Venue.Name ?>, <?cs var:Event.Venue.City ?></dd>
  <dt>Address</dt>
  <dd class="event-address"><?cs var:Event.Venue.Address ?></dd>
  <dt>Capacity</dt>
  <dd class="event-capacity"><?cs var:Event.Venue.Capacity ?></dd>
  <?cs if:subcount(Event.Performers) > 0 ?>
  <dt>Performers</dt>
  <dd><ul class="event-performers"><?cs each:p = Event.Performers ?><li><?cs var:p ?></li><?cs /each ?></ul></dd>
  <?cs /if ?>
</dl>
<section class="event-about" aria-labelledby="event-about">
  <h2 id="event-about">About this event</h2>
  <p class="event-description"><?cs var:Event.Description ?></p>
</section>
<?cs if:Event.OnSale && subcount(Event.Sections) == 0 ?>
<p class="event-notice" role="status">Tickets for this event are not on sale yet.</p>
<?cs elif:Event.OnSale ?>
<section class="event-prices" aria-labelledby="event-prices">
  <h2 id="event-prices">Prices and availability</h2>
  <table class="price-tiers">
    <thead><tr><th scope="col">Section</th><th scope="col">Price</th><th scope="col">Available</th></tr></thead>
    <tbody>
    <?cs each:s = Event.Sections ?><tr><th scope="row"><?cs var:s.Name ?><?cs if:s.Kind == "standing" && s.Name != "Standing" ?> (standing)<?cs /if ?></th><td><?cs var:s.Price ?></td><td><?cs if:s.Available > 0 ?><?cs var:s.Available ?> of <?cs var:s.Capacity ?><?cs else ?>Sold out<?cs /if ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
</section>
<section class="event-seats" aria-labelledby="event-seats">
  <h2 id="event-seats"><?cs if:Map.HasSeats ?>Choose your seats<?cs else ?>Choose your tickets<?cs /if ?></h2>
  <?cs call:seatmap(Event.Id, "") ?>
</section>
<?cs /if ?>
</article>
<?cs /def ?>
