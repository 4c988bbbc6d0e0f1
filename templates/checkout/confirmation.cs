<?cs # The confirmation: booking code, seats, total and e-ticket codes. Bookmarkable: the
       link carries the booking's unguessable token. ?>
<?cs def:page_body() ?>
<h1>You're going!</h1>
<?cs if:Booking.Late ?><p class="notice" role="status">Your payment arrived after your hold had run out, but your seats were still free: they are yours.</p><?cs /if ?>
<p class="confirmation-code">Booking code <strong><?cs var:Booking.Code ?></strong></p>
<section class="checkout-event">
  <h2><a href="/events/<?cs var:Event.Id ?>"><?cs var:Event.Name ?></a></h2>
  <p><time datetime="<?cs var:Event.Date ?>"><?cs var:Event.Day ?>, <?cs var:Event.Time ?></time> <span class="zone"><?cs var:Event.Zone ?></span> · <?cs var:Event.Venue ?>, <?cs var:Event.City ?></p>
</section>
<table class="held-seats">
  <caption>Your tickets</caption>
  <thead><tr><th scope="col">Seat</th><th scope="col">Price</th><th scope="col">Ticket code</th></tr></thead>
  <tbody>
  <?cs each:t = Tickets ?><tr><td><?cs var:t.Label ?></td><td><?cs var:t.Price ?></td><td><a href="/tickets/<?cs var:t.Code ?>"><code><?cs var:t.Code ?></code></a> · <a href="/tickets/<?cs var:t.Code ?>.pdf">PDF</a></td></tr><?cs /each ?>
  </tbody>
  <tfoot><tr><th scope="row">Total paid</th><td class="total" colspan="2"><?cs var:Booking.Total ?></td></tr></tfoot>
</table>
<p class="eticket-actions"><a class="button" href="/bookings/<?cs var:Booking.Id ?>/tickets?key=<?cs escape:"url" ?><?cs var:Booking.TicketsKey ?><?cs /escape ?>">Your e-tickets</a> <a href="/bookings/<?cs var:Booking.Id ?>/tickets.pdf?key=<?cs escape:"url" ?><?cs var:Booking.TicketsKey ?><?cs /escape ?>">Download them as one PDF</a></p>
<?cs if:Booking.BuyerEmail ?><p>Booked by <?cs var:Booking.BuyerName ?> (<?cs var:Booking.BuyerEmail ?>). Your confirmation with the e-tickets is on its way there.</p><?cs /if ?>
<p class="muted">Keep this page's address: it is the link to your booking.</p>
<?cs /def ?>
