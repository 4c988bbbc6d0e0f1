<?cs # Gold test: hostile HDF values through every var: context the site uses.
       With Config.VarEscapeMode = html each var: is HTML-escaped; escape: blocks switch context. ?>
<p><?cs var:Hostile.Script ?></p>
<a title="<?cs var:Hostile.Attr ?>">attr</a>
<span title='<?cs var:Hostile.Single ?>'>single</span>
<p><?cs var:Hostile.Amp ?></p>
<p><?cs var:Hostile.CsInject ?></p>
<p><?cs var:Hostile.Unicode ?></p>
<pre><?cs var:Hostile.Multi ?></pre>
<ul>
<?cs each:item = Hostile.List ?><li><?cs var:item ?></li>
<?cs /each ?></ul>
<a href="/search?q=<?cs escape:"url" ?><?cs var:Hostile.Url ?><?cs /escape ?>">search</a>
<script>var name = "<?cs escape:"js" ?><?cs var:Hostile.Script ?><?cs /escape ?>";</script>
