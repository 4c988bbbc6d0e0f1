<?cs # One e-ticket as a card: what the door needs, big and plain, and the QR code drawn as
       SVG from its path data (digits and M/h/v/z only, escaped like any other value). ?>
<?cs def:ticket_card(t) ?>
<article class="eticket<?cs if:Booking.Void ?> void<?cs /if ?>">
  <header>
    <p class="eticket-site"><?cs var:Site.Name ?></p>
    <h2><?cs var:Event.Name ?></h2>
    <p><time datetime="<?cs var:Event.Date ?>"><?cs var:Event.Day ?>, <?cs var:Event.Time ?></time> <span class="zone"><?cs var:Event.Zone ?></span></p>
    <p><?cs var:Event.Venue ?>, <?cs var:Event.Address ?>, <?cs var:Event.City ?></p>
  </header>
  <dl>
    <dt>Seat</dt><dd class="eticket-seat"><?cs var:t.Seat ?></dd>
    <dt>Name</dt><dd><?cs var:t.Holder ?></dd>
    <dt>Booking</dt><dd><?cs var:Booking.Code ?></dd>
    <dt>Price</dt><dd><?cs var:t.Price ?></dd>
  </dl>
  <?cs if:Booking.Void ?>
  <p class="eticket-void" role="alert">VOID — <?cs var:Booking.Void ?></p>
  <?cs else ?>
  <svg class="eticket-qr" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="QR code of ticket <?cs var:t.CodeDisplay ?>" width="<?cs var:t.Qr.Pixels ?>" height="<?cs var:t.Qr.Pixels ?>" viewBox="0 0 <?cs var:t.Qr.Size ?> <?cs var:t.Qr.Size ?>" shape-rendering="crispEdges"><rect width="<?cs var:t.Qr.Size ?>" height="<?cs var:t.Qr.Size ?>" fill="#fff"/><path fill="#000" d="<?cs var:t.Qr.Path ?>"/></svg>
  <?cs /if ?>
  <p class="eticket-code"><code><?cs var:t.CodeDisplay ?></code></p>
  <?cs if:t.CheckedIn ?><p class="eticket-used">Checked in <?cs var:t.CheckedIn ?></p><?cs /if ?>
</article>
<?cs /def ?>
