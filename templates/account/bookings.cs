<?cs # My bookings: Upcoming.N and Past.N, each with its event, seats, total and links. ?>
<?cs def:booking_row(b) ?>
<li class="my-booking">
  <h3><a href="/events/<?cs var:b.Event.Id ?>"><?cs var:b.Event.Name ?></a><?cs if:b.Event.Cancelled ?> <span class="badge">Event cancelled</span><?cs /if ?></h3>
  <p><time datetime="<?cs var:b.Event.Date ?>"><?cs var:b.Event.Day ?>, <?cs var:b.Event.Time ?></time> · <?cs var:b.Event.Venue ?>, <?cs var:b.Event.City ?></p>
  <p>Booking <strong class="booking-code"><?cs var:b.Code ?></strong> · <span class="status status-<?cs var:b.Status ?>"><?cs var:b.StatusWords ?></span> · <?cs var:b.Tickets ?> ticket<?cs if:b.Tickets != 1 ?>s<?cs /if ?><?cs if:b.Seats ?>: <?cs var:b.Seats ?><?cs /if ?> · <?cs var:b.Total ?></p>
  <p><a href="/bookings/<?cs var:b.Id ?>">Booking page</a><?cs if:b.TicketsKey ?> · <a href="/bookings/<?cs var:b.Id ?>/tickets?key=<?cs var:b.TicketsKey ?>">E-tickets</a> · <a href="/bookings/<?cs var:b.Id ?>/tickets.pdf?key=<?cs var:b.TicketsKey ?>">PDF</a><?cs /if ?></p>
</li>
<?cs /def ?>
<?cs def:page_body() ?>
<h1>My bookings</h1>
<?cs if:Account.Note ?><p class="notice" role="status"><?cs var:Account.Note ?></p><?cs /if ?>
<?cs if:Account.Unverified ?><p class="notice">Your address is not verified yet, so bookings made as a guest under it are not listed. <a href="/account">Send the link again</a>.</p><?cs /if ?>
<section aria-labelledby="up-h"><h2 id="up-h">Upcoming</h2>
<?cs if:subcount(Upcoming) ?><ul class="my-bookings"><?cs each:b = Upcoming ?><?cs call:booking_row(b) ?><?cs /each ?></ul>
<?cs else ?><p>No upcoming bookings. <a href="/events">Find an event</a>.</p><?cs /if ?>
</section>
<section aria-labelledby="past-h"><h2 id="past-h">Past</h2>
<?cs if:subcount(Past) ?><ul class="my-bookings"><?cs each:b = Past ?><?cs call:booking_row(b) ?><?cs /each ?></ul>
<?cs else ?><p>No past bookings.</p><?cs /if ?>
</section>
<?cs /def ?>
