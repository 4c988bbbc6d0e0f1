<?cs # Changing a hold (app/shop/checkout_seats.c): the event's seat map as this shopper sees it —
       the seats they hold free to them and ticked, their standing places counted in and
       prefilled — whose form posts the whole new selection with the CSRF and booking tokens.
       Seats kept stay held throughout; the hold's clock keeps running. Change.Error says why
       the last try changed nothing. ?>
<?cs include:"events/seatmap.cs" ?>
<?cs def:page_body() ?>
<h1>Change your seats</h1>
<section class="checkout-event">
  <h2><a href="/events/<?cs var:Event.Id ?>"><?cs var:Event.Name ?></a></h2>
  <p><time datetime="<?cs var:Event.Date ?>"><?cs var:Event.Day ?>, <?cs var:Event.Time ?></time> <span class="zone"><?cs var:Event.Zone ?></span> · <?cs var:Event.Venue ?>, <?cs var:Event.City ?></p>
</section>
<p class="hold-timer" role="status">Your seats are held for about <strong><?cs var:Booking.MinutesLeft ?> minute<?cs if:Booking.MinutesLeft != 1 ?>s<?cs /if ?></strong> (until <time datetime="<?cs var:Booking.ExpiresAt ?>"><?cs var:Booking.ExpiresAt ?></time>). Changing them does not add time.</p>
<p class="held-now">You hold now: <?cs each:t = Tickets ?><?cs if:!first(t) ?>, <?cs /if ?><?cs var:t.Label ?><?cs /each ?> (<?cs var:Booking.Total ?>).</p>
<?cs if:Change.Error ?><p class="form-error" role="alert" id="change-error"><?cs var:Change.Error ?> Your seats have not changed.</p><?cs /if ?>
<section class="event-seats" aria-labelledby="change-seats">
  <h2 id="change-seats">Your new selection</h2>
  <p>Untick the seats you no longer want and tick the ones you want instead: the seats you keep stay yours. To give up all of them, use <q>Release these seats</q> on the <a href="<?cs var:Change.Back ?>">checkout page</a>.</p>
  <?cs call:seatmap(Event.Id, Change) ?>
</section>
<?cs /def ?>
